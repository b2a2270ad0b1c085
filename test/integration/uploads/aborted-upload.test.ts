import { expect } from 'chai';
import { request } from 'node:http';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, UPLOAD_MUTATION, type TestServer } from '../../support/test-server';
import { countRows, PARTNER_HIGH, siteIdsByName } from './upload-kit';

const capacitorFiles = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('capacitor-'));

const waitUntil = async (what: string, check: () => Promise<boolean>): Promise<void> => {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Gave up waiting for ${what}`);
};

describeOnEachDatabase('Uploading the template: a client that goes away mid-file', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database);
  });
  after(async () => {
    await server.close();
  });

  it('when the connection drops half-way through the file, then no batch, no stored chunk and no temporary file is left behind', async () => {
    const sites = await siteIdsByName(server);
    const token = await server.signIn(server.demo.siteAdminEmail);
    const temporaryBefore = new Set(capacitorFiles());
    const boundary = 'educators-boundary';
    const file = Buffer.from(csvFile(educatorRows(60_000)));
    const operations = JSON.stringify({
      query: UPLOAD_MUTATION('id'),
      variables: { input: { schoolSiteId: sites[PARTNER_HIGH], file: null, agreementAccepted: true } },
    });
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.file"]}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="staff.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    );
    const url = new URL(`${server.url}/graphql`);
    const sending = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'apollo-require-preflight': 'true',
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + file.length + 100,
      },
    });
    sending.on('error', () => undefined);
    sending.write(head);
    sending.write(file.subarray(0, Math.floor(file.length / 2)));
    // Some of the file is stored before the client vanishes.
    await waitUntil('part of the file to be stored', async () => (await countRows(server, 'upload_file_chunk')) > 0);
    expect(await countRows(server, "upload_batch WHERE status = 'RECEIVING'")).to.equal(1);

    sending.destroy();

    await waitUntil('the half-received upload to be discarded', async () => (await countRows(server, 'upload_batch')) === 0);
    expect(await countRows(server, 'upload_file_chunk')).to.equal(0);
    await waitUntil('the temporary file to be removed', async () => capacitorFiles().every((name) => temporaryBefore.has(name)));
    const log = await server.graphql('{ uploadBatches { totalCount } }', {}, token);
    expect(log.data.uploadBatches.totalCount).to.equal(0);
  });
});
