import { expect } from 'chai';
import { TEMPLATE_HEADER } from '../../support/csv-fixtures';
import {
  DEMO_DISTRICT_ADMIN_EMAIL,
  DEMO_SITE_ADMIN_EMAIL,
  accountsWithoutExactlyOneInvitation,
  describeAgainstMariaDb,
  openFaultEnvironment,
  siteIdsByName,
  type Api,
  type FaultEnvironment,
  type Service,
} from './fault-kit';

const ROUNDS = 4;
const ROWS = 1_200;
/** Every eighth row's email is also created one at a time while the file is being processed. */
const RACED_EVERY = 8;
const PARTNER_HIGH = 'Demo Partner High';
const MIDDLE_SCHOOL = 'Demo Middle School';

const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { email } userErrors { code } } }';

/** Runs `work` over the items with at most `lanes` at a time, keeping the items' order in the results. */
const inLanes = async <T, R>(items: T[], lanes: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]);
      }
    }),
  );
  return results;
};

describeAgainstMariaDb('createEducatorAccount racing a bulk row for the same email', () => {
  let environment: FaultEnvironment;
  let api: Api;
  let worker: Service;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('single_vs_bulk');
    // The race, not the hourly limit, is under test: each admin creates a few hundred accounts by hand here.
    api = await environment.startApi({ MAX_INVITATIONS_PER_ADMIN_PER_HOUR: '100000' });
    // Small chunks keep the worker busy for as long as the single creations take, so the two meet.
    worker = environment.startWorker({ UPLOAD_CHUNK_ROWS: '20' });
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  it(`when ${ROUNDS} files are processed while admins create ${ROWS / RACED_EVERY} of each file's emails one at a time (half for the same site, half for the other), then each email has one account and every loser got a clear refusal`, async function () {
    this.timeout(180_000);
    const districtAdmin = await api.signIn(DEMO_DISTRICT_ADMIN_EMAIL);
    const siteAdmin = await api.signIn(DEMO_SITE_ADMIN_EMAIL);
    const siteIds = await siteIdsByName(api, districtAdmin);
    const partnerHigh = environment.publicIds.decode('site', siteIds[PARTNER_HIGH])!;
    const wins = { single: 0, bulk: 0 };

    for (let round = 1; round <= ROUNDS; round += 1) {
      const emailOf = (n: number) => (n % RACED_EVERY === 0 ? `race${round}-${n}@race.example.org` : `filler${round}-${n}@race.example.org`);
      const numbers = Array.from({ length: ROWS }, (_, index) => index + 1);
      const content = `${[TEMPLATE_HEADER.join(','), ...numbers.map((n) => `Given${n},Family${n},${emailOf(n)},Educator`)].join('\r\n')}\r\n`;
      const uploaded = await api.upload(siteAdmin, { schoolSiteId: siteIds[PARTNER_HIGH], content, fileName: `round-${round}.csv` });
      expect(uploaded.errors, uploaded.text).to.equal(undefined);
      const batchId = environment.publicIds.decode('batch', uploaded.data.uploadEducatorAccounts.batch.id)!;

      // Raced in file order, so each single creation meets the worker near the row it races.
      const raced = numbers.filter((n) => n % RACED_EVERY === 0).map((n) => ({ n, email: emailOf(n), sameSite: (n / RACED_EVERY) % 2 === 0 }));
      const singles = await inLanes(raced, 4, ({ email, sameSite }) =>
        api.graphql(
          CREATE,
          {
            input: {
              firstName: 'Single',
              lastName: 'Creation',
              email,
              roleCode: 'EDUCATOR',
              schoolSiteIds: [siteIds[sameSite ? PARTNER_HIGH : MIDDLE_SCHOOL]],
              agreementAccepted: true,
            },
          },
          districtAdmin,
        ),
      );

      const batch = await environment.completed(batchId, `round ${round}'s batch to complete`, 60_000);

      const accounts = await environment.rows<{ email_normalized: string; source_batch_id: number | null; school_site_id: number }>(
        `SELECT a.email_normalized, a.source_batch_id, m.school_site_id FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id
         WHERE a.email_normalized LIKE ?`,
        [`race${round}-%`],
      );
      const accountOf = new Map(accounts.map((account) => [account.email_normalized, account]));
      expect(accounts, 'one account (and one membership) per raced email').to.have.length(raced.length);
      expect(accountOf.size).to.equal(raced.length);

      const expectedFailures: string[] = [];
      let skipped = 0;
      raced.forEach(({ n, email, sameSite }, index) => {
        const answer = singles[index];
        expect(answer.errors, answer.text).to.equal(undefined);
        const { account: created, userErrors } = answer.data.createEducatorAccount;
        const account = accountOf.get(email)!;
        if (created) {
          // The single creation won: the row was skipped (same site) or refused as taken (other site).
          wins.single += 1;
          expect([userErrors, account.source_batch_id, Number(account.school_site_id) === partnerHigh], email).to.deep.equal([[], null, sameSite]);
          if (sameSite) skipped += 1;
          else expectedFailures.push(`${n + 1}:EMAIL_TAKEN`);
        } else {
          // The row won: the single creation was told the email is taken.
          wins.bulk += 1;
          expect([userErrors, Number(account.source_batch_id), Number(account.school_site_id)], email).to.deep.equal([
            [{ code: 'EMAIL_TAKEN' }],
            batchId,
            partnerHigh,
          ]);
        }
      });

      const failures = await environment.rows<{ line_number: number; code: string }>(
        'SELECT line_number, code FROM upload_failure WHERE batch_id = ? ORDER BY line_number',
        [batchId],
      );
      expect(failures.map((failure) => `${failure.line_number}:${failure.code}`)).to.deep.equal(expectedFailures);
      expect(batch).to.deep.equal({
        status: 'COMPLETED',
        totalRows: ROWS,
        processed: ROWS,
        created: ROWS - skipped - expectedFailures.length,
        skipped,
        failed: expectedFailures.length,
      });
      expect(await environment.count('educator_account WHERE source_batch_id = ?', [batchId])).to.equal(batch.created);
    }
    await worker.stop();

    expect(wins.single + wins.bulk).to.equal(ROUNDS * (ROWS / RACED_EVERY));
    expect(await accountsWithoutExactlyOneInvitation(environment)).to.deep.equal([]);
    expect(api.output.join('')).to.not.include('Unexpected error');
  });
});
