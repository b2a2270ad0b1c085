import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { manyEducatorsCsv } from '../../support/csv-fixtures';
import { UPLOAD_MUTATION } from '../../support/test-server';
import {
  DEMO_DISTRICT_ADMIN_EMAIL,
  DEMO_SITE_ADMIN_EMAIL,
  describeAgainstMariaDb,
  openFaultEnvironment,
  pause,
  siteIdsByName,
  waitFor,
  type Api,
  type FaultEnvironment,
} from './fault-kit';

const PARTNER_HIGH = 'Demo Partner High';

interface SlowUpload {
  /** File bytes written to the socket so far. */
  sent(): number;
  /** Settles when the request ends either way: the answer's status, or the transport error. */
  outcome: Promise<{ status?: number; body?: string; error?: string }>;
}

/**
 * uploadEducatorAccounts written by hand over node:http, so that the file part can trickle in: `piece` bytes
 * every `everyMs` (0: as fast as the socket takes them).
 */
const slowUpload = (api: Api, token: string, schoolSiteId: string, file: Buffer, piece: number, everyMs: number): SlowUpload => {
  const boundary = `----faults${randomBytes(8).toString('hex')}`;
  const operations = JSON.stringify({
    query: UPLOAD_MUTATION('id status totalRows'),
    variables: { input: { schoolSiteId, file: null, agreementAccepted: true } },
  });
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.file"]}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="trickle.csv"\r\nContent-Type: text/csv\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let sent = 0;
  const outcome = new Promise<{ status?: number; body?: string; error?: string }>((settle) => {
    const req = request(`${api.url}/graphql`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'apollo-require-preflight': 'true',
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + file.length + tail.length,
      },
    });
    req.on('response', (response) => {
      const body: Buffer[] = [];
      response.on('data', (data: Buffer) => body.push(data));
      response.on('end', () => settle({ status: response.statusCode, body: Buffer.concat(body).toString() }));
      response.on('error', (error) => settle({ error: error.message }));
    });
    req.on('error', (error) => settle({ error: error.message }));
    void (async () => {
      req.write(head);
      for (let at = 0; at < file.length && !req.destroyed; at += piece) {
        const part = file.subarray(at, at + piece);
        const drained = req.write(part);
        sent += part.length;
        if (!drained) {
          await new Promise<void>((resume) => {
            const go = () => {
              req.off('drain', go).off('close', go);
              resume();
            };
            req.on('drain', go).on('close', go);
          });
        }
        if (everyMs > 0) await pause(everyMs);
      }
      if (!req.destroyed) req.end(tail);
    })();
  });
  return { sent: () => sent, outcome };
};

describeAgainstMariaDb('The API process killed with SIGKILL while a file is arriving', () => {
  let environment: FaultEnvironment;
  let token: string;
  let siteId: string;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('api_kill');
    const api = await environment.startApi();
    token = await api.signIn(DEMO_SITE_ADMIN_EMAIL);
    siteId = (await siteIdsByName(api, await api.signIn(DEMO_DISTRICT_ADMIN_EMAIL)))[PARTNER_HIGH];
    await api.stop();
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  const visibleBatches = async (api: Api): Promise<{ totalCount: number; nodes: { id: string; status: string; totalRows: number }[] }> => {
    const response = await api.graphql('{ uploadBatches(first: 50) { totalCount nodes { id status totalRows } } }', {}, token);
    expect(response.errors, response.text).to.equal(undefined);
    return response.data.uploadBatches;
  };

  it('when the API dies with part of a 4 MB file stored, then the batch never appears in the log, and once its receiving window has passed the cleanup removes it and its stored chunks', async function () {
    this.timeout(120_000);
    const file = Buffer.from(manyEducatorsCsv(80_000, 'trickle.example.org'));
    expect(file.length).to.be.greaterThan(4 * 1024 * 1024);
    const api = await environment.startApi();
    const upload = slowUpload(api, token, siteId, file, 64 * 1024, 40);

    // The kill lands once the first 1 MB chunk is in the database, while most of the file is still on its way.
    const receiving = await waitFor(
      'a stored chunk of the arriving file',
      async () => {
        const [row] = await environment.rows<{ id: number; chunks: number }>(
          "SELECT b.id, COUNT(c.seq) AS chunks FROM upload_batch b JOIN upload_file_chunk c ON c.batch_id = b.id WHERE b.status = 'RECEIVING' GROUP BY b.id",
        );
        return row ? { id: Number(row.id), chunks: Number(row.chunks) } : undefined;
      },
      60_000,
    );
    expect(await api.stop('SIGKILL')).to.equal('SIGKILL');
    const answer = await upload.outcome;
    expect(answer.status, 'the client never got an answer').to.equal(undefined);
    expect(upload.sent()).to.be.lessThan(file.length);

    const [left] = await environment.rows<{ status: string }>('SELECT status FROM upload_batch WHERE id = ?', [receiving.id]);
    expect(left.status).to.equal('RECEIVING');
    expect(await environment.count('upload_file_chunk WHERE batch_id = ?', [receiving.id])).to.be.at.least(receiving.chunks);

    const uploadFolders = environment.uploadFolders;
    expect(
      readdirSync(join(uploadFolders, String(api.child.pid))).some((name) => name.startsWith('capacitor-')),
      'the killed API left its buffered file',
    ).to.equal(true);
    const restarted = await environment.startApi();
    // The restarted API removes the buffered files of API processes that are gone.
    expect(readdirSync(uploadFolders)).to.deep.equal([String(restarted.child.pid)]);
    expect(await visibleBatches(restarted)).to.deep.equal({ totalCount: 0, nodes: [] });
    const uploadBatch = await restarted.graphql(
      'query($id: ID!) { uploadBatch(id: $id) { id } }',
      { id: environment.publicIds.encode('batch', receiving.id) },
      token,
    );
    expect(uploadBatch.data).to.deep.equal({ uploadBatch: null });

    // Ten minutes without arriving bytes cannot pass in a test: the batch's arrival deadline is moved into the past
    // instead, and a real worker process (whose cleanup loop runs discardAbandoned as it starts) does the rest.
    await environment.rows('UPDATE upload_batch SET lease_expires_at = ? WHERE id = ?', [Date.now() - 1000, receiving.id]);
    const worker = environment.startWorker();
    await environment.waitFor(
      'the cleanup to discard the abandoned file',
      async () => ((await environment.count('upload_batch WHERE id = ?', [receiving.id])) === 0 ? true : undefined),
      30_000,
      50,
    );
    await worker.stop();
    await restarted.stop();

    expect(await environment.count('upload_batch')).to.equal(0);
    expect(await environment.count('upload_file_chunk')).to.equal(0);
    expect(await environment.count('educator_account WHERE source_batch_id IS NOT NULL')).to.equal(0);
  });

  it('when the API dies around the moment the last byte arrives, then each batch is either absent or complete and queued, and the queued ones are processed in full', async function () {
    this.timeout(120_000);
    const rows = 30_000;
    const outcomes: string[] = [];
    let lastBatchBefore = 0;
    /** The batch of the current attempt, if the API has opened it yet. */
    const storedBytes = async (): Promise<{ status: string; bytes: number } | undefined> => {
      const [row] = await environment.rows<{ status: string; bytes: number | null }>(
        'SELECT b.status, (SELECT SUM(LENGTH(c.data)) FROM upload_file_chunk c WHERE c.batch_id = b.id) AS bytes FROM upload_batch b WHERE b.id > ? ORDER BY b.id DESC LIMIT 1',
        [lastBatchBefore],
      );
      return row && { status: row.status, bytes: Number(row.bytes ?? 0) };
    };
    // Kills at different moments near the end of the file; none of them may leave a visible half-file.
    const moments: [string, (file: Buffer) => Promise<unknown>][] = [
      ['the last byte left the client', async () => true],
      ['50 ms after the last byte left', () => pause(50)],
      [
        'every byte is stored',
        (file) => waitFor('every byte stored', async () => ((await storedBytes())?.bytes === file.length ? true : undefined), 30_000, 1),
      ],
      ['the batch is queued', () => waitFor('the batch queued', async () => ((await storedBytes())?.status === 'QUEUED' ? true : undefined), 30_000, 1)],
    ];
    for (const [attempt, [moment, reached]] of moments.entries()) {
      const file = Buffer.from(manyEducatorsCsv(rows, `race${attempt}.example.org`));
      const [{ last }] = await environment.rows<{ last: number | null }>('SELECT MAX(id) AS last FROM upload_batch');
      lastBatchBefore = Number(last ?? 0);
      const api = await environment.startApi();
      const upload = slowUpload(api, token, siteId, file, 256 * 1024, 0);
      await waitFor('the whole file to be written to the socket', async () => (upload.sent() === file.length ? true : undefined), 30_000, 1);
      await reached(file);
      await api.stop('SIGKILL');
      const answer = await upload.outcome;
      outcomes.push(`${moment}: ${answer.status === 200 ? 'answered' : 'cut off'}, ${(await storedBytes())?.status ?? 'no batch'}`);
    }
    const api = await environment.startApi();
    const batches = await environment.rows<{ id: number; status: string; total_rows: number | null; byte_size: number }>(
      'SELECT id, status, total_rows, byte_size FROM upload_batch',
    );
    const visible = await visibleBatches(api);
    for (const batch of batches) {
      expect(['RECEIVING', 'QUEUED'], `batch ${batch.id}`).to.include(batch.status);
      if (batch.status === 'QUEUED') {
        // Complete: every row counted and every byte stored.
        expect(Number(batch.total_rows)).to.equal(rows);
        const [stored] = await environment.rows<{ bytes: number }>('SELECT SUM(LENGTH(data)) AS bytes FROM upload_file_chunk WHERE batch_id = ?', [batch.id]);
        expect(Number(stored.bytes)).to.equal(Number(batch.byte_size));
        // Queued only together with the agreement that allowed it.
        const [agreements] = await environment.rows<{ n: number }>('SELECT COUNT(*) AS n FROM agreement_acceptance WHERE upload_batch_id = ?', [batch.id]);
        expect(Number(agreements.n), `agreement of batch ${batch.id}`).to.equal(1);
      }
    }
    const queuedIds = batches.filter((batch) => batch.status === 'QUEUED').map((batch) => environment.publicIds.encode('batch', Number(batch.id)));
    expect(visible.nodes.map((node) => node.id).sort(), `outcomes: ${outcomes.join(', ')}`).to.deep.equal(queuedIds.sort());
    expect(visible.nodes.every((node) => node.status === 'QUEUED' && node.totalRows === rows)).to.equal(true);

    await environment.rows("UPDATE upload_batch SET lease_expires_at = ? WHERE status = 'RECEIVING'", [Date.now() - 1000]);
    const worker = environment.startWorker();
    await environment.waitFor(
      'the worker to discard the half files and process the queued ones',
      async () => ((await environment.count("upload_batch WHERE status <> 'COMPLETED'")) === 0 ? true : undefined),
      60_000,
      50,
    );
    await worker.stop();
    await api.stop();

    const completed = await environment.rows<{ records_created: number; records_processed: number }>(
      'SELECT records_created, records_processed FROM upload_batch',
    );
    expect(completed).to.have.length(queuedIds.length);
    for (const batch of completed) expect([Number(batch.records_processed), Number(batch.records_created)]).to.deep.equal([rows, rows]);
    expect(await environment.count('educator_account WHERE source_batch_id IS NOT NULL')).to.equal(rows * queuedIds.length);
    expect(await environment.count('upload_file_chunk')).to.equal(0);
  });
});
