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

const BATCHES_PER_SITE = 10;
const ROWS_PER_BATCH = 500;

interface PlannedBatch {
  fileName: string;
  site: 'Demo Partner High' | 'Demo Middle School';
  /** Normalized email per data line (line 2 is the first). */
  emails: string[];
  content: string;
}

/**
 * Partner High's batch i holds shared emails i*100 … i*100+499 and the middle school's batch i holds i*100+50 … i*100+549,
 * every other one in other letters: each email sits in up to five files of each site.
 */
const plan = (): PlannedBatch[] => {
  const batches: PlannedBatch[] = [];
  for (let i = 0; i < BATCHES_PER_SITE; i += 1) {
    for (const [site, offset] of [
      ['Demo Partner High', 0],
      ['Demo Middle School', 50],
    ] as const) {
      const numbers = Array.from({ length: ROWS_PER_BATCH }, (_, index) => i * 100 + offset + index);
      const written = numbers.map((k) => (k % 2 && offset ? `Shared${k}@Overlap.Example.org` : `shared${k}@overlap.example.org`));
      const lines = numbers.map((k, index) => `Given${k},Family${k},${written[index]},Educator`);
      batches.push({
        fileName: `${offset ? 'middle' : 'partner'}-${i}.csv`,
        site,
        emails: written.map((email) => email.toLowerCase()),
        content: `${[TEMPLATE_HEADER.join(','), ...lines].join('\r\n')}\r\n`,
      });
    }
  }
  return batches;
};

describeAgainstMariaDb('Two API processes and two worker processes on one database', () => {
  let environment: FaultEnvironment;
  let apis: Api[];

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('two_by_two');
    apis = await Promise.all([environment.startApi(), environment.startApi()]);
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  it(`when ${2 * BATCHES_PER_SITE} uploads with overlapping emails from two sites arrive at both APIs at once, then each email has one account, each losing row is skipped or EMAIL_TAKEN, and each batch is settled exactly once`, async function () {
    this.timeout(180_000);
    const districtAdmin = await apis[0].signIn(DEMO_DISTRICT_ADMIN_EMAIL);
    const uploaders = { 'Demo Partner High': await apis[1].signIn(DEMO_SITE_ADMIN_EMAIL), 'Demo Middle School': districtAdmin };
    const siteIds = await siteIdsByName(apis[0], districtAdmin);
    const batches = plan();
    const workers: Service[] = [environment.startWorker({ UPLOAD_CHUNK_ROWS: '50' }), environment.startWorker({ UPLOAD_CHUNK_ROWS: '50' })];

    const answers = await Promise.all(
      batches.map((batch, index) =>
        apis[index % 2].upload(uploaders[batch.site], { schoolSiteId: siteIds[batch.site], content: batch.content, fileName: batch.fileName }),
      ),
    );
    for (const answer of answers) {
      expect(answer.errors, answer.text).to.equal(undefined);
      expect(answer.data.uploadEducatorAccounts.userErrors).to.deep.equal([]);
      expect(answer.data.uploadEducatorAccounts.batch).to.include({ status: 'QUEUED', totalRows: ROWS_PER_BATCH });
    }
    const batchIds = answers.map((answer) => environment.publicIds.decode('batch', answer.data.uploadEducatorAccounts.batch.id)!);

    const settled = await environment.waitFor(
      'both workers to complete every batch',
      async () => {
        const states = await Promise.all(batchIds.map((id) => environment.batch(id)));
        return states.every((state) => state.status === 'COMPLETED') ? states : undefined;
      },
      120_000,
      100,
    );
    await Promise.all(workers.map((worker) => worker.stop()));

    const accounts = await environment.rows<{ email_normalized: string; source_batch_id: number; school_site_id: number }>(
      `SELECT a.email_normalized, a.source_batch_id, m.school_site_id FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id
       WHERE a.email_normalized LIKE 'shared%@overlap.example.org'`,
    );
    const accountOf = new Map(accounts.map((account) => [account.email_normalized, account]));
    const everyEmail = new Set(batches.flatMap((batch) => batch.emails));
    expect(accounts, 'one account (and one membership) per email').to.have.length(everyEmail.size);
    expect(accountOf.size).to.equal(everyEmail.size);

    const failures = await environment.rows<{ batch_id: number; line_number: number; code: string }>(
      'SELECT batch_id, line_number, code FROM upload_failure ORDER BY batch_id, line_number',
    );
    let createdInAll = 0;
    batches.forEach((batch, index) => {
      const batchId = batchIds[index];
      const siteId = environment.publicIds.decode('site', siteIds[batch.site])!;
      const expected = { created: 0, skipped: 0, failedLines: [] as string[] };
      batch.emails.forEach((email, row) => {
        const account = accountOf.get(email)!;
        if (Number(account.source_batch_id) === batchId) expected.created += 1;
        else if (Number(account.school_site_id) === siteId) expected.skipped += 1;
        else expected.failedLines.push(`${row + 2}:EMAIL_TAKEN`);
      });
      const state = settled[index];
      expect({ file: batch.fileName, ...state }).to.deep.equal({
        file: batch.fileName,
        status: 'COMPLETED',
        totalRows: ROWS_PER_BATCH,
        processed: ROWS_PER_BATCH,
        created: expected.created,
        skipped: expected.skipped,
        failed: expected.failedLines.length,
      });
      expect(state.created + state.skipped + state.failed).to.equal(ROWS_PER_BATCH);
      expect(
        failures.filter((failure) => Number(failure.batch_id) === batchId).map((failure) => `${failure.line_number}:${failure.code}`),
        `failures of ${batch.fileName}`,
      ).to.deep.equal(expected.failedLines);
      createdInAll += state.created;
    });
    expect(createdInAll, 'every account was created by exactly one batch').to.equal(everyEmail.size);
    expect(accounts.every((account) => batchIds.includes(Number(account.source_batch_id)))).to.equal(true);

    for (const [index, batch] of batches.entries()) {
      const subject = `Upload of ${batch.fileName} finished: ${settled[index].failed} failed`;
      expect(await environment.count('outbox_message WHERE subject = ?', [subject]), subject).to.equal(1);
    }
    expect(await accountsWithoutExactlyOneInvitation(environment)).to.deep.equal([]);
    expect(await environment.count('upload_file_chunk')).to.equal(0);
    for (const api of apis) expect(api.output.join(''), api.name).to.not.include('Unexpected error');
  });
});
