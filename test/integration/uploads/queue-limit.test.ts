import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApplication, type Application } from '../../../src/processes/composition-root';
import { describeOnEachDatabase } from '../../support/databases';
import { uploadTo } from '../../support/graphql-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { anEducatorRow, csvFile } from '../../support/csv-fixtures';
import { PARTNER_HIGH, countRows, siteIdsByName } from './upload-kit';

const UPLOADS_AT_ONCE = 30;

describeOnEachDatabase('The per-site queue limit under concurrent uploads', (database) => {
  let server: TestServer;
  // A second API process on the same database: its own connections, its own HTTP server.
  let secondApi: Application;
  let secondServer: Server;
  let secondUrl: string;

  before(async () => {
    server = await startTestServer(database);
    secondApi = await buildApplication(server.application.config, { clock: server.clock, log: () => undefined });
    secondServer = await new Promise((resolve) => {
      const listening = createServer(secondApi.handleRequest).listen(0, '127.0.0.1', () => resolve(listening));
    });
    secondUrl = `http://127.0.0.1:${(secondServer.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => secondServer?.close(resolve));
    await secondApi?.close();
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
  });

  it(`when ${UPLOADS_AT_ONCE} files reach one site at once through two API processes, then the limit are queued, the rest refused`, async () => {
    const limit = server.application.config.maxQueuedBatchesPerSite;
    const siteId = (await siteIdsByName(server))[PARTNER_HIGH];
    const token = await server.signIn(server.demo.siteAdminEmail);

    const answers = await Promise.all(
      Array.from({ length: UPLOADS_AT_ONCE }, (_, n) =>
        uploadTo(n % 2 === 0 ? server.url : secondUrl, token, { schoolSiteId: siteId, content: csvFile([anEducatorRow(n)]), select: 'id status' }),
      ),
    );

    for (const answer of answers) expect(answer.errors, answer.text).to.equal(undefined);
    const payloads = answers.map((answer) => answer.data.uploadEducatorAccounts);
    const queued = payloads.filter((payload) => payload.batch?.status === 'QUEUED');
    const refused = payloads.filter((payload) => payload.batch === null);
    expect(queued).to.have.length(limit);
    expect(refused).to.have.length(UPLOADS_AT_ONCE - limit);
    for (const payload of refused) expect(payload.userErrors.map((error: { code: string }) => error.code)).to.deep.equal(['TOO_MANY_QUEUED_UPLOADS']);
    expect(await countRows(server, "upload_batch WHERE status = 'QUEUED'")).to.equal(limit);
    expect(await countRows(server, 'upload_batch')).to.equal(limit);
  });

  it('when keyed uploads arrive twice each at once, then the copies of one key take one place: the limit is queued, never a key twice', async () => {
    const limit = server.application.config.maxQueuedBatchesPerSite;
    const siteId = (await siteIdsByName(server))[PARTNER_HIGH];
    const token = await server.signIn(server.demo.siteAdminEmail);
    const keys = Array.from({ length: UPLOADS_AT_ONCE / 2 }, (_, n) => `key-${n}`);

    const answers = await Promise.all(
      [...keys, ...keys].map((key, n) => {
        const content = csvFile([anEducatorRow(keys.indexOf(key))]);
        return uploadTo(n % 2 === 0 ? server.url : secondUrl, token, { schoolSiteId: siteId, content, idempotencyKey: key, select: 'id' });
      }),
    );

    for (const answer of answers) expect(answer.errors, answer.text).to.equal(undefined);
    const codes = answers.flatMap((answer) => answer.data.uploadEducatorAccounts.userErrors.map((error: { code: string }) => error.code));
    expect(new Set(codes)).to.deep.equal(new Set(codes.length > 0 ? ['TOO_MANY_QUEUED_UPLOADS'] : []));
    const answeredBatches = new Set(answers.flatMap((answer) => answer.data.uploadEducatorAccounts.batch?.id ?? []));
    expect(answeredBatches.size).to.equal(limit);
    expect(await countRows(server, "upload_batch WHERE status = 'QUEUED'")).to.equal(limit);
    expect(await countRows(server, 'upload_batch')).to.equal(limit);
    expect(await countRows(server, 'idempotency_key WHERE upload_batch_id IS NOT NULL')).to.equal(limit);
  });
});
