import { expect } from 'chai';
import { TEMPLATE_HEADER } from '../../support/csv-fixtures';
import {
  DEMO_DISTRICT_ADMIN_EMAIL,
  DEMO_SITE_ADMIN_EMAIL,
  INVITATION_SUBJECT,
  accountsWithoutExactlyOneInvitation,
  describeAgainstMariaDb,
  duplicateAccounts,
  openFaultEnvironment,
  siteIdsByName,
  waitFor,
  type Api,
  type FaultEnvironment,
  type Service,
} from './fault-kit';

const ROWS = 50_000;
const CHUNK_ROWS = 500;
const PARTNER_HIGH = 'Demo Partner High';
const MIDDLE_SCHOOL = 'Demo Middle School';

/** What row n (1-based) of the big file is, so every outcome can be predicted. */
type RowKind = 'duplicate' | 'invalid' | 'taken' | 'regular';
const kindOf = (n: number): RowKind => (n % 500 === 0 ? 'duplicate' : n % 250 === 0 ? 'invalid' : n % 1000 === 333 ? 'taken' : 'regular');
const emailOf = (n: number): string => {
  switch (kindOf(n)) {
    // The same person as 400 lines earlier, in other letters: the first occurrence may sit before a kill, the repeat after it.
    case 'duplicate':
      return `PERSON${n - 400}@Bulk.Example.org`;
    case 'invalid':
      return `not-an-email-${n}`;
    case 'taken':
      return `taken${n}@bulk.example.org`;
    default:
      return `person${n}@bulk.example.org`;
  }
};
const line = (n: number, email = emailOf(n)) => `Given${n},Family${n},${email},Educator`;
const file = (numbers: number[], email?: (n: number) => string) =>
  `${[TEMPLATE_HEADER.join(','), ...numbers.map((n) => line(n, email?.(n)))].join('\r\n')}\r\n`;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describeAgainstMariaDb('A worker process killed with SIGKILL mid-batch', () => {
  let environment: FaultEnvironment;
  let api: Api;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('worker_kill');
    api = await environment.startApi();
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  const expireLease = (batchId: number) =>
    // The dead worker's lease would expire after 30 s; time cannot be moved in another process, so it is expired here.
    environment.rows('UPDATE upload_batch SET lease_expires_at = 0 WHERE id = ?', [batchId]);

  const killWhenPast = async (worker: Service, batchId: number, rows: number) => {
    const reached = await environment.waitFor(
      `the worker to settle ${rows} rows`,
      async () => {
        const batch = await environment.batch(batchId);
        return batch.processed >= rows || batch.status === 'COMPLETED' ? batch : undefined;
      },
      90_000,
      5,
    );
    expect(reached.status, 'killed before the batch finished').to.equal('PROCESSING');
    expect(await worker.stop('SIGKILL')).to.equal('SIGKILL');
    await environment.queriesOfTheDeadEnded();
    const afterKill = await environment.batch(batchId);
    expect(afterKill.processed % CHUNK_ROWS, 'progress moves a whole chunk at a time').to.equal(0);
    // Every committed chunk is whole: accounts, invitations, failures and the counters moved together.
    expect(await environment.count('educator_account WHERE source_batch_id = ?', [batchId])).to.equal(afterKill.created);
    expect(await environment.count('upload_failure WHERE batch_id = ?', [batchId])).to.equal(afterKill.failed);
    expect(afterKill.created + afterKill.skipped + afterKill.failed).to.equal(afterKill.processed);
    return afterKill;
  };

  it(`when the worker is killed twice in a ${ROWS.toLocaleString('en-US')}-row batch and a new one starts each time, then every row is settled exactly once and every account has one invitation`, async function () {
    this.timeout(180_000);
    const districtAdmin = await api.signIn(DEMO_DISTRICT_ADMIN_EMAIL);
    const siteAdmin = await api.signIn(DEMO_SITE_ADMIN_EMAIL);
    const sites = await siteIdsByName(api, districtAdmin);
    const numbers = range(1, ROWS);

    // Accounts that exist before the big file: the first 2,000 regular rows at Partner High (skipped), the "taken" ones at the middle school (EMAIL_TAKEN).
    const preloadWorker = environment.startWorker({ UPLOAD_CHUNK_ROWS: String(CHUNK_ROWS) });
    const preloads = [
      await api.upload(siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: file(numbers.filter((n) => n <= 2000 && kindOf(n) === 'regular')) }),
      await api.upload(districtAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: file(numbers.filter((n) => kindOf(n) === 'taken')) }),
    ];
    const preloadIds = preloads.map((response) => environment.publicIds.decode('batch', response.data.uploadEducatorAccounts.batch.id)!);
    await waitFor(
      'the preloads to complete',
      async () => ((await Promise.all(preloadIds.map((id) => environment.batch(id)))).every((b) => b.status === 'COMPLETED') ? true : undefined),
      60_000,
      50,
    );
    await preloadWorker.stop('SIGTERM');

    const uploaded = await api.upload(siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: file(numbers), fileName: 'whole-school.csv' });
    expect(uploaded.errors, uploaded.text).to.equal(undefined);
    expect(uploaded.data.uploadEducatorAccounts.batch).to.include({ status: 'QUEUED', totalRows: ROWS });
    const batchId = environment.publicIds.decode('batch', uploaded.data.uploadEducatorAccounts.batch.id)!;

    const first = await killWhenPast(environment.startWorker({ UPLOAD_CHUNK_ROWS: String(CHUNK_ROWS) }), batchId, ROWS * 0.2);
    await expireLease(batchId);
    const second = await killWhenPast(
      environment.startWorker({ UPLOAD_CHUNK_ROWS: String(CHUNK_ROWS) }),
      batchId,
      Math.max(ROWS * 0.6, first.processed + CHUNK_ROWS),
    );
    expect(second.processed, "the second worker resumed after the first one's last chunk").to.be.greaterThan(first.processed);
    await expireLease(batchId);
    const last = environment.startWorker({ UPLOAD_CHUNK_ROWS: String(CHUNK_ROWS) });
    const done = await environment.completed(batchId, 'the third worker to complete the batch', 120_000);
    await last.stop('SIGTERM');

    const expected = { duplicate: 0, invalid: 0, taken: 0, skipped: 0, created: 0 };
    for (const n of numbers) {
      const kind = kindOf(n);
      if (kind === 'regular') expected[n <= 2000 ? 'skipped' : 'created'] += 1;
      else expected[kind] += 1;
    }
    expect(done).to.deep.equal({
      status: 'COMPLETED',
      totalRows: ROWS,
      processed: ROWS,
      created: expected.created,
      skipped: expected.skipped,
      failed: expected.duplicate + expected.invalid + expected.taken,
    });
    expect(done.created + done.skipped + done.failed).to.equal(ROWS);

    // Every failure is on the line the file puts it, once, with the code that line deserves.
    const failures = await environment.rows<{ line_number: number; code: string }>(
      'SELECT line_number, code FROM upload_failure WHERE batch_id = ? ORDER BY line_number',
      [batchId],
    );
    const expectedCode: Record<Exclude<RowKind, 'regular'>, string> = { duplicate: 'DUPLICATE_IN_FILE', invalid: 'INVALID_EMAIL', taken: 'EMAIL_TAKEN' };
    expect(failures.map((failure) => `${failure.line_number}:${failure.code}`)).to.deep.equal(
      numbers.filter((n) => kindOf(n) !== 'regular').map((n) => `${n + 1}:${expectedCode[kindOf(n) as Exclude<RowKind, 'regular'>]}`),
    );

    expect(await duplicateAccounts(environment)).to.deep.equal([]);
    expect(await environment.count('educator_account WHERE source_batch_id = ?', [batchId])).to.equal(expected.created);
    expect(await environment.count("educator_account WHERE email_normalized LIKE 'person%@bulk.example.org'")).to.equal(expected.created + expected.skipped);
    expect(await environment.count('educator_account_site m JOIN educator_account a ON a.id = m.account_id WHERE a.source_batch_id = ?', [batchId])).to.equal(
      expected.created,
    );
    expect(await accountsWithoutExactlyOneInvitation(environment)).to.deep.equal([]);
    expect(await environment.count('outbox_message WHERE subject = ?', [INVITATION_SUBJECT])).to.equal(expected.created + expected.skipped + expected.taken);
    expect(await environment.count('outbox_message WHERE subject = ?', [`Upload of whole-school.csv finished: ${done.failed} failed`])).to.equal(1);
    expect(await environment.count('upload_file_chunk')).to.equal(0);
  });
});
