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
const UNDO = 'mutation($input: UndoUploadBatchInput!) { undoUploadBatch(input: $input) { batch { status recordsRemoved recordsKept } userErrors { code } } }';

describeOnEachDatabase('An undo whose API process is killed with SIGKILL part way', (database) => {
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
  const startApi = async (): Promise<MainProcess> => {
    const folder = mkdtempSync(join(tmpdir(), 'undo-crash-'));
    const main = await startMainOnSqlite(folder, join(folder, 'unused.sqlite'), {
      DATABASE_URL: server.application.config.databaseUrl!,
      JWT_SECRET: server.application.config.jwtSecret,
      LOG_LEVEL: 'silent',
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
});
