import { expect } from 'chai';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { manyEducatorsCsv } from '../../support/csv-fixtures';
import { postGraphQL } from '../../support/graphql-client';
import { startMainOnSqlite, type MainProcess } from '../../support/main-process';
import { waitFor } from '../../support/polling';
import { PARTNER_HIGH, countRows, siteIdsByName, uploadFile } from './upload-kit';

const ROWS = 20_000;
const CANCEL = 'mutation($input: CancelUploadBatchInput!) { cancelUploadBatch(input: $input) { batch { status } userErrors { code } } }';
const UNDO = 'mutation($input: UndoUploadBatchInput!) { undoUploadBatch(input: $input) { batch { status recordsRemoved recordsKept } userErrors { code } } }';

describeOnEachDatabase('An undo or a cancel whose API process is killed with SIGKILL part way', (database) => {
  let server: TestServer;
  const mains: MainProcess[] = [];

  before(async () => {
    server = await startTestServer(database, { uploadChunkRows: 1000 });
  });
  after(async () => {
    for (const main of mains) if (main.child.exitCode === null && main.child.signalCode === null) main.child.kill('SIGKILL');
    await server?.close();
  });

  /** `node dist/src/processes/api.js` on the test server's database and secret, so its ids and tokens are the same. */
  const startApi = async (env: Record<string, string> = {}): Promise<MainProcess> => {
    const folder = mkdtempSync(join(tmpdir(), 'undo-crash-'));
    const main = await startMainOnSqlite(folder, join(folder, 'unused.sqlite'), {
      DATABASE_URL: server.application.config.databaseUrl!,
      JWT_SECRET: server.application.config.jwtSecret,
      LOG_LEVEL: 'silent',
      ...env,
    });
    mains.push(main);
    return main;
  };

  /** MySQL goes on running a statement whose client was killed and then rolls it back: read the rows once it has. */
  const killedStatementsEnded = async (): Promise<void> => {
    if (database.label !== 'MySQL') return;
    await waitFor(
      "the killed process's statements to end",
      async () => {
        const [running] = await server.application.dataSource.query(
          "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = DATABASE() AND command <> 'Sleep' AND id <> CONNECTION_ID()",
        );
        return Number(running.n) === 0 ? true : undefined;
      },
      30_000,
    );
  };

  /** SQLite: the write-ahead log's size now, to tell when the undo's deletes start landing in it (before its commit). */
  const walWatcher = (): (() => boolean) => {
    const wal = `${server.application.config.databaseUrl!.slice('sqlite:'.length)}-wal`;
    const sizeOf = () => (existsSync(wal) ? statSync(wal).size : 0);
    const before = sizeOf();
    return () => sizeOf() !== before;
  };

  /** Waits until the undo's transaction is deleting: MariaDB lists its DELETE; SQLite's log grows. */
  const undoUnderWay = async (walGrew: () => boolean): Promise<void> => {
    await waitFor(
      'the undo to start deleting',
      async () => {
        if (database.label !== 'MySQL') return walGrew() ? true : undefined;
        const [deleting] = await server.application.dataSource.query(
          "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = DATABASE() AND info LIKE 'DELETE%' AND id <> CONNECTION_ID()",
        );
        return Number(deleting.n) > 0 ? true : undefined;
      },
      20_000,
      1,
    );
  };

  it(`when the process undoing a ${ROWS.toLocaleString('en-US')}-row batch is killed, then the batch is whole (all its accounts and invitations, or UNDONE with none), and an undo after the restart finishes it`, async function () {
    this.timeout(120_000);
    const token = await server.signIn(server.demo.siteAdminEmail);
    const uploaded = await uploadFile(server, token, { schoolSiteId: (await siteIdsByName(server))[PARTNER_HIGH], content: manyEducatorsCsv(ROWS) });
    await server.processUploads();
    const batchId = server.application.publicIds.decode('batch', uploaded.id)!;
    const accounts = () => countRows(server, 'educator_account WHERE source_batch_id = ?', [batchId]);
    const invitations = () => countRows(server, "outbox_message WHERE template = 'invitation'");
    const memberships = () => countRows(server, 'educator_account_site WHERE account_id NOT IN (SELECT id FROM educator_account)');
    const status = async () => String((await server.application.dataSource.query('SELECT status FROM upload_batch WHERE id = ?', [batchId]))[0].status);
    expect([await status(), await accounts(), await invitations()]).to.deep.equal(['COMPLETED', ROWS, ROWS]);

    const first = await startApi();
    const walGrew = walWatcher();
    const sent = postGraphQL(first.url, UNDO, { input: { batchId: uploaded.id } }, token).catch(() => null);
    await undoUnderWay(walGrew);
    first.child.kill('SIGKILL');
    expect(await first.exited).to.equal('SIGKILL');
    await sent;
    await killedStatementsEnded();

    const afterKill = [await status(), await accounts(), await invitations(), await memberships()];
    expect(
      [
        ['COMPLETED', ROWS, ROWS, 0],
        ['UNDONE', 0, 0, 0],
      ],
      `nothing half done: ${JSON.stringify(afterKill)}`,
    ).to.deep.include(afterKill);

    const second = await startApi();
    const again = await postGraphQL(second.url, UNDO, { input: { batchId: uploaded.id } }, token);
    const undone = afterKill[0] === 'UNDONE';
    expect(again.data.undoUploadBatch, again.text).to.deep.equal(
      undone
        ? { batch: { status: 'UNDONE', recordsRemoved: ROWS, recordsKept: 0 }, userErrors: [{ code: 'NOT_UNDOABLE' }] }
        : { batch: { status: 'UNDONE', recordsRemoved: ROWS, recordsKept: 0 }, userErrors: [] },
    );
    expect([await status(), await accounts(), await invitations(), await memberships()]).to.deep.equal(['UNDONE', 0, 0, 0]);
    second.child.kill('SIGTERM');
    await second.exited;
  });
  it(`when the process cancelling a ${ROWS.toLocaleString('en-US')}-row batch its own worker is processing is killed with a chunk in flight, then once back the batch is CANCELLED, its counts match what it created, and nothing more is created`, async function () {
    this.timeout(120_000);
    const token = await server.signIn(server.demo.siteAdminEmail);
    const uploaded = await uploadFile(server, token, { schoolSiteId: (await siteIdsByName(server))[PARTNER_HIGH], content: manyEducatorsCsv(ROWS) });
    const batchId = server.application.publicIds.decode('batch', uploaded.id)!;
    const batch = async () => {
      const [row] = await server.application.dataSource.query('SELECT status, records_created FROM upload_batch WHERE id = ?', [batchId]);
      return { status: String(row.status), recordsCreated: Number(row.records_created) };
    };
    const accounts = () => countRows(server, 'educator_account WHERE source_batch_id = ?', [batchId]);
    const invitations = () =>
      countRows(server, "outbox_message WHERE template = 'invitation' AND account_id IN (SELECT id FROM educator_account WHERE source_batch_id = ?)", [
        batchId,
      ]);
    const fileChunks = () => countRows(server, 'upload_file_chunk WHERE batch_id = ?', [batchId]);
    const whole = async () => {
      const now = await batch();
      return { ...now, accounts: await accounts(), invitations: await invitations(), fileChunks: await fileChunks() };
    };
    const working = { WORKER: 'on', UPLOAD_CHUNK_ROWS: '500' };

    const first = await startApi(working);
    await waitFor('the worker to be part way', async () => ((await batch()).recordsCreated > 0 ? true : undefined), 60_000, 5);
    const sent = postGraphQL(first.url, CANCEL, { input: { batchId: uploaded.id } }, token).catch(() => null);
    // Killed as soon as the cancel has committed, while the worker's next chunk is in flight (a chunk of 500 takes longer than a poll).
    await waitFor('the cancel to commit', async () => ((await batch()).status === 'CANCELLED' ? true : undefined), 30_000, 1);
    first.child.kill('SIGKILL');
    expect(await first.exited).to.equal('SIGKILL');
    await sent;
    await killedStatementsEnded();

    const afterKill = await whole();
    expect(afterKill.status).to.equal('CANCELLED');
    expect(afterKill.recordsCreated).to.be.within(1, ROWS - 1);
    expect(afterKill, 'only whole chunks: their accounts, their invitations and their count').to.deep.include({
      accounts: afterKill.recordsCreated,
      invitations: afterKill.recordsCreated,
      fileChunks: 0,
    });

    const second = await startApi(working);
    const again = await postGraphQL(second.url, CANCEL, { input: { batchId: uploaded.id } }, token);
    expect(again.data.cancelUploadBatch, again.text).to.deep.equal({ batch: { status: 'CANCELLED' }, userErrors: [{ code: 'NOT_CANCELLABLE' }] });
    second.child.kill('SIGTERM');
    await second.exited;
    // Nothing picks a cancelled batch up again: a worker run here creates none of its accounts.
    expect(await server.processUploads()).to.equal(0);
    expect(await whole()).to.deep.equal(afterKill);
  });
});
