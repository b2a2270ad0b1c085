import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { manyEducatorsCsv } from '../../support/csv-fixtures';
import { MIDDLE_SCHOOL, PARTNER_HIGH, countRows, siteIdsByName, uploadFile } from './upload-kit';
import { INVITATION_SUBJECT } from '../../../src/domain/educator/invitation';
import { pause, waitFor } from '../../support/polling';

const ROWS = 20_000;
const WORKER_SCRIPT = resolve(__dirname, '../../../src/processes/worker.js');

describeOnEachDatabase('A real worker process killed mid-batch and restarted', (database) => {
  let server: TestServer;
  const workers: ChildProcess[] = [];
  const workerOutput: string[] = [];

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await server?.close();
  });

  /** `node dist/src/processes/worker.js` against the same database and secret as the test server. */
  const startWorker = (outboxDir: string): ChildProcess => {
    const worker = spawn(process.execPath, [WORKER_SCRIPT], {
      cwd: resolve(__dirname, '../../../..'),
      env: {
        ...process.env,
        DATABASE_URL: server.application.config.databaseUrl,
        JWT_SECRET: server.application.config.jwtSecret,
        UPLOAD_CHUNK_ROWS: '200',
        LOG_LEVEL: 'silent',
        MAIL_OUTBOX_DIR: outboxDir,
        MAIL_DELIVERY: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout.on('data', (data: Buffer) => workerOutput.push(data.toString()));
    worker.stderr.on('data', (data: Buffer) => workerOutput.push(data.toString()));
    workers.push(worker);
    return worker;
  };

  const exited = (worker: ChildProcess): Promise<NodeJS.Signals | number | null> =>
    worker.exitCode !== null || worker.signalCode !== null
      ? Promise.resolve(worker.signalCode ?? worker.exitCode)
      : new Promise((resolve) => worker.once('exit', (code, signal) => resolve(signal ?? code)));

  const batchRow = async (batchId: number): Promise<{ status: string; processed: number; created: number; skipped: number; failed: number }> => {
    const [row] = await server.application.dataSource.query(
      'SELECT status, records_processed, records_created, records_skipped, records_failed FROM upload_batch WHERE id = ?',
      [batchId],
    );
    return {
      status: row.status,
      processed: Number(row.records_processed),
      created: Number(row.records_created),
      skipped: Number(row.records_skipped),
      failed: Number(row.records_failed),
    };
  };

  /** MySQL goes on running a query whose client was killed, and may still commit it: read the progress once it has. */
  const lastQueriesOfTheKilledEnded = async (): Promise<void> => {
    if (database.label !== 'MySQL') return;
    await waitFor(
      "the killed worker's last query to end",
      async () => {
        const [running] = await server.application.dataSource.query(
          "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = DATABASE() AND command <> 'Sleep' AND id <> CONNECTION_ID()",
        );
        return Number(running.n) === 0 ? true : undefined;
      },
      30_000,
    );
  };

  it(`when the worker is killed with SIGKILL in the middle of a ${ROWS.toLocaleString('en-US')}-row batch and a new one starts, then every row is settled exactly once`, async function () {
    this.timeout(90_000);
    const siteId = (await siteIdsByName(server))[PARTNER_HIGH];
    const token = await server.signIn(server.demo.siteAdminEmail);
    const uploaded = await uploadFile(server, token, { schoolSiteId: siteId, content: manyEducatorsCsv(ROWS), fileName: 'whole-district.csv' });
    expect(uploaded.status).to.equal('QUEUED');
    const batchId = server.application.publicIds.decode('batch', uploaded.id)!;
    const outboxDir = mkdtempSync(join(tmpdir(), 'worker-outbox-'));

    const first = startWorker(outboxDir);
    const midway = await waitFor(
      'the first worker to get a fifth of the way',
      async () => {
        const row = await batchRow(batchId);
        return row.processed >= ROWS / 5 ? row : undefined;
      },
      30_000,
      10,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${workerOutput.join('')}`);
    });
    first.kill('SIGKILL');
    expect(await exited(first)).to.equal('SIGKILL');
    await lastQueriesOfTheKilledEnded();

    const afterKill = await batchRow(batchId);
    expect(midway.processed, 'killed before it finished').to.be.lessThan(ROWS);
    expect(afterKill.status).to.equal('PROCESSING');
    expect(afterKill.processed).to.be.greaterThan(0).and.lessThan(ROWS);
    expect(afterKill.processed % 200, 'progress moves a whole chunk at a time').to.equal(0);
    // Every committed chunk is whole: accounts, their invitations and the progress counter moved together.
    expect(await countRows(server, 'educator_account WHERE source_batch_id = ?', [batchId])).to.equal(afterKill.created);
    expect(await countRows(server, 'outbox_message WHERE subject = ?', [INVITATION_SUBJECT])).to.equal(afterKill.created);
    await pause(300);
    expect((await batchRow(batchId)).processed, 'nothing moves while no worker runs').to.equal(afterKill.processed);

    // The dead worker's lease would expire after 30 s; time cannot be moved in another process, so expire it here.
    await server.application.dataSource.query('UPDATE upload_batch SET lease_expires_at = 0 WHERE id = ?', [batchId]);
    const second = startWorker(outboxDir);
    const done = await waitFor(
      'the second worker to complete the batch',
      async () => {
        const row = await batchRow(batchId);
        return row.status === 'COMPLETED' ? row : undefined;
      },
      60_000,
      50,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${workerOutput.join('')}`);
    });
    second.kill('SIGTERM');
    await exited(second);

    expect(done).to.deep.equal({ status: 'COMPLETED', processed: ROWS, created: ROWS, skipped: 0, failed: 0 });
    expect(done.created + done.skipped + done.failed).to.equal(ROWS);
    expect(await countRows(server, 'educator_account WHERE source_batch_id = ?', [batchId])).to.equal(ROWS);
    expect(await countRows(server, "educator_account WHERE email_normalized LIKE 'person%@bulk.example.org'")).to.equal(ROWS);
    const duplicates = await server.application.dataSource.query('SELECT email_normalized FROM educator_account GROUP BY email_normalized HAVING COUNT(*) > 1');
    expect(duplicates).to.deep.equal([]);
    expect(await countRows(server, 'educator_account_site m JOIN educator_account a ON a.id = m.account_id WHERE a.source_batch_id = ?', [batchId])).to.equal(
      ROWS,
    );
    expect(await countRows(server, 'outbox_message WHERE subject = ?', [INVITATION_SUBJECT])).to.equal(ROWS);
    const [{ n: invitedPeople }] = await server.application.dataSource.query('SELECT COUNT(DISTINCT recipient) AS n FROM outbox_message WHERE subject = ?', [
      INVITATION_SUBJECT,
    ]);
    expect(Number(invitedPeople)).to.equal(ROWS);
    expect(await countRows(server, 'outbox_message WHERE recipient = ?', [server.demo.siteAdminEmail])).to.equal(1);
    expect(await countRows(server, 'upload_failure WHERE batch_id = ?', [batchId])).to.equal(0);
    expect(await countRows(server, 'upload_file_chunk WHERE batch_id = ?', [batchId])).to.equal(0);
  });

  it("when two worker processes run at once, then a site's batches still run in upload order, other sites go ahead, and no row is settled twice", async function () {
    this.timeout(90_000);
    const sites = await siteIdsByName(server);
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const perBatch = 3000;
    // The second Partner High file repeats the first one's emails: run in order, it skips every row.
    const uploads = [
      await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: manyEducatorsCsv(perBatch, 'partner.example.org') }),
      await uploadFile(server, districtAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: manyEducatorsCsv(perBatch, 'middle.example.org') }),
      await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: manyEducatorsCsv(perBatch, 'partner.example.org') }),
    ];
    const ids = uploads.map((upload) => server.application.publicIds.decode('batch', upload.id)!);
    const outboxDir = mkdtempSync(join(tmpdir(), 'worker-outbox-'));

    const pair = [startWorker(outboxDir), startWorker(outboxDir)];
    await waitFor(
      'both workers to complete every batch',
      async () => {
        const rows = await Promise.all(ids.map(batchRow));
        return rows.every((row) => row.status === 'COMPLETED') ? rows : undefined;
      },
      60_000,
      50,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${workerOutput.join('')}`);
    });
    for (const worker of pair) worker.kill('SIGTERM');
    await Promise.all(pair.map(exited));

    const [partnerFirst, middle, partnerSecond] = await Promise.all(ids.map(batchRow));
    expect(partnerFirst).to.deep.equal({ status: 'COMPLETED', processed: perBatch, created: perBatch, skipped: 0, failed: 0 });
    expect(middle).to.deep.equal({ status: 'COMPLETED', processed: perBatch, created: perBatch, skipped: 0, failed: 0 });
    expect(partnerSecond).to.deep.equal({ status: 'COMPLETED', processed: perBatch, created: 0, skipped: perBatch, failed: 0 });
    const times: { id: number; start_time: number; end_time: number }[] = await server.application.dataSource.query(
      'SELECT id, start_time, end_time FROM upload_batch WHERE id IN (?, ?)',
      [ids[0], ids[2]],
    );
    const [first, second] = [times.find((row) => Number(row.id) === ids[0])!, times.find((row) => Number(row.id) === ids[2])!];
    // The counts above are the proof of order (run out of order, the second file would have created rows).
    // Start and end times come from two processes' clocks read before waiting for the database, so they are only compared coarsely.
    expect(Number(second.end_time)).to.be.at.least(Number(first.end_time));
    expect(await countRows(server, 'educator_account')).to.equal(2 + 2 * perBatch);
    expect(await countRows(server, 'outbox_message WHERE subject = ?', [INVITATION_SUBJECT])).to.equal(2 * perBatch);
    expect(await countRows(server, 'outbox_message WHERE subject <> ?', [INVITATION_SUBJECT])).to.equal(3);
  });
});
