/**
 * Undo of a 100,000-row batch on MariaDB, end to end: the file is uploaded and processed by the service, then
 * undoUploadBatch is timed through HTTP (one transaction of set-based deletes keyed by the batch id), and a cancel of
 * a second, waiting 100,000-row file beside it. Not part of `npm run bench`: run it on its own with
 *   npm run build && BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306/<db> node dist/bench/undo.js
 * (its tables are dropped and rebuilt).
 */
import { startTestServer } from '../test/support/test-server';
import { manyEducatorsCsv } from '../test/support/csv-fixtures';

const ROWS = 100_000;

const main = async (): Promise<void> => {
  const url = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/educators_bench';
  const server = await startTestServer({ label: url.startsWith('sqlite:') ? 'SQLite' : 'MySQL', url: () => url });
  try {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const sites = await server.graphql<{ schoolSites: { id: string; name: string }[] }>('{ schoolSites { id name } }', {}, token);
    const schoolSiteId = sites.data!.schoolSites[0].id;
    const upload = async (domain: string): Promise<string> => {
      const answer = await server.upload(token, { schoolSiteId, content: manyEducatorsCsv(ROWS, domain), select: 'id status' });
      return (answer.data as { uploadEducatorAccounts: { batch: { id: string } } }).uploadEducatorAccounts.batch.id;
    };
    const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
      const start = performance.now();
      const result = await work();
      return [result, performance.now() - start];
    };

    const batchId = await upload('undo.example.org');
    const [, processMs] = await timed(() => server.processUploads());
    const [undone, undoMs] = await timed(() =>
      server.graphql<{ undoUploadBatch: unknown }>(
        'mutation($input: UndoUploadBatchInput!) { undoUploadBatch(input: $input) { batch { status recordsRemoved } userErrors { code } } }',
        { input: { batchId } },
        token,
      ),
    );
    const waiting = await upload('cancel.example.org');
    const [cancelled, cancelMs] = await timed(() =>
      server.graphql<{ cancelUploadBatch: unknown }>(
        'mutation($input: CancelUploadBatchInput!) { cancelUploadBatch(input: $input) { batch { status } userErrors { code } } }',
        { input: { batchId: waiting } },
        token,
      ),
    );
    console.log(
      JSON.stringify(
        {
          rows: ROWS,
          processSeconds: +(processMs / 1000).toFixed(2),
          undo: { seconds: +(undoMs / 1000).toFixed(2), answer: undone.data?.undoUploadBatch },
          cancelWaiting: { seconds: +(cancelMs / 1000).toFixed(2), answer: cancelled.data?.cancelUploadBatch },
        },
        null,
        2,
      ),
    );
  } finally {
    await server.close();
  }
};

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
