import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { freePort } from '../../support/free-port';
import { startMainOnSqlite } from '../../support/main-process';
import { startTestServer, type TestServer } from '../../support/test-server';
import { PARTNER_HIGH, siteIdsByName, uploadFile } from '../uploads/upload-kit';

const METRICS_TOKEN = 'metrics-scraper-token-for-the-tests';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus's text format, one sample a line (HELP and TYPE lines left out). */
const samplesOf = (text: string): Sample[] =>
  text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, name, labels = '', value] = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      return {
        name,
        labels: Object.fromEntries([...labels.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((match) => [match[1], match[2]])),
        value: Number(value),
      };
    });

const familiesOf = (text: string): string[] => [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]);

/** The value of the one sample with this name and exactly these labels (0 when none was recorded yet). */
const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}): number => {
  const found = samples.filter(
    (sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
  );
  expect(found.length, `${name}${JSON.stringify(labels)}`).to.be.at.most(1);
  return found[0]?.value ?? 0;
};

const scrape = async (url: string, token?: string): Promise<{ status: number; contentType: string | null; text: string }> => {
  const response = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
};

const FAMILIES = [
  'graphql_operation_duration_seconds',
  'graphql_errors_total',
  'sign_in_refusals_total',
  'upload_rows_total',
  'upload_chunk_commit_duration_seconds',
  'upload_batches',
  'upload_queue_depth',
  'upload_queue_oldest_age_seconds',
  'outbox_messages',
  'database_pool_connections',
  'process_cpu_user_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_seconds',
  'nodejs_heap_size_used_bytes',
];

const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }';
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }';

describeOnEachDatabase('Prometheus metrics (/metrics)', (database) => {
  describe('with METRICS_TOKEN set', () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(database, { metricsToken: METRICS_TOKEN });
    });
    after(async () => {
      await server.close();
    });

    it('when a scraper comes without the token, with another one or with a sign-in token, then 401 and no metric', async () => {
      const signedIn = await server.signIn(server.demo.siteAdminEmail);
      for (const token of [undefined, 'not-the-metrics-token', `${METRICS_TOKEN}x`, signedIn]) {
        const answer = await scrape(server.url, token);
        expect(answer.status, String(token)).to.equal(401);
        expect(answer.text).to.not.include('graphql_');
      }
    });

    it('when an account is created, a file settled, a sign-in fails and a request is refused, then the families move, unlabelled by site', async () => {
      const sites = await siteIdsByName(server);
      const token = await server.signIn(server.demo.siteAdminEmail);
      const first = await scrape(server.url, METRICS_TOKEN);
      expect(first.status).to.equal(200);
      expect(first.contentType).to.match(/^text\/plain; version=0\.0\.4/);
      const families = familiesOf(first.text);
      for (const family of FAMILIES) if (family !== 'database_pool_connections' || database.label === 'MySQL') expect(families, family).to.include(family);
      const before = samplesOf(first.text);

      const created = await server.graphql(
        CREATE,
        {
          input: {
            firstName: 'Metric',
            lastName: 'Person',
            email: 'metric.person@example.org',
            roleCode: 'EDUCATOR',
            schoolSiteIds: [sites[PARTNER_HIGH]],
            agreementAccepted: true,
          },
        },
        token,
      );
      expect(created.data?.createEducatorAccount, created.text).to.deep.equal({ userErrors: [] });
      const refused = await server.graphql(SIGN_IN, { input: { username: server.demo.siteAdminEmail, password: 'not the password' } });
      expect(refused.data?.signIn.userErrors).to.deep.equal([{ code: 'INVALID_CREDENTIALS' }]);
      expect((await server.graphql('{ me { email } }')).errors?.map((error) => error.extensions?.code)).to.deep.equal(['UNAUTHENTICATED']);
      const rows = [...educatorRows(2, 1, { lastName: 'Metric' }), { firstName: 'Bad', lastName: 'Email', email: 'not-an-email', role: 'Educator' }];
      await uploadFile(server, token, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(rows), fileName: 'metrics.csv' });
      server.clock.advanceDays(1);

      const queued = samplesOf((await scrape(server.url, METRICS_TOKEN)).text);
      expect(valueOf(queued, 'upload_queue_depth')).to.equal(1);
      expect(valueOf(queued, 'upload_queue_oldest_age_seconds')).to.be.at.least(24 * 60 * 60);
      expect(valueOf(queued, 'upload_batches', { status: 'QUEUED' })).to.equal(valueOf(before, 'upload_batches', { status: 'QUEUED' }) + 1);
      expect(valueOf(queued, 'outbox_messages', { status: 'PENDING' })).to.equal(valueOf(before, 'outbox_messages', { status: 'PENDING' }) + 1);

      expect(await server.processUploads()).to.equal(1);
      const scraped = await scrape(server.url, METRICS_TOKEN);
      const after = samplesOf(scraped.text);
      const moved = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);

      expect(moved('graphql_operation_duration_seconds_count', { operation: 'createEducatorAccount' })).to.equal(1);
      expect(moved('graphql_operation_duration_seconds_count', { operation: 'uploadEducatorAccounts' })).to.equal(1);
      expect(moved('graphql_operation_duration_seconds_count', { operation: 'signIn' })).to.equal(1);
      expect(moved('graphql_errors_total', { code: 'UNAUTHENTICATED' })).to.equal(1);
      expect(moved('sign_in_refusals_total', { code: 'INVALID_CREDENTIALS' })).to.equal(1);
      expect(moved('upload_rows_total', { outcome: 'created' })).to.equal(2);
      expect(moved('upload_rows_total', { outcome: 'failed' })).to.equal(1);
      expect(moved('upload_chunk_commit_duration_seconds_count', { result: 'committed' })).to.equal(1);
      expect(moved('upload_batches', { status: 'COMPLETED' })).to.equal(1);
      const batchStatuses = after.filter((sample) => sample.name === 'upload_batches').map((sample) => sample.labels.status);
      expect(batchStatuses).to.have.members(['RECEIVING', 'QUEUED', 'PROCESSING', 'COMPLETED', 'REJECTED', 'FAILED', 'CANCELLED', 'UNDONE']);
      expect(valueOf(after, 'upload_queue_depth')).to.equal(0);
      expect(valueOf(after, 'upload_queue_oldest_age_seconds')).to.equal(0);
      // The completion email joins the invitations waiting in the outbox.
      expect(moved('outbox_messages', { status: 'PENDING' })).to.equal(1 + 2 + 1);
      if (database.label === 'MySQL') expect(valueOf(after, 'database_pool_connections', { state: 'open' })).to.be.at.least(1);

      const labelNames = new Set(after.flatMap((sample) => Object.keys(sample.labels)));
      for (const name of labelNames) expect(name).to.not.match(/site|account|email|user|district|batch/i);
      for (const identifying of [sites[PARTNER_HIGH], server.demo.siteAdminEmail, 'metric.person@example.org', PARTNER_HIGH])
        expect(scraped.text).to.not.include(identifying);
    });
  });

  describe('without METRICS_TOKEN', () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(database);
    });
    after(async () => {
      await server.close();
    });

    it('when /metrics is asked for, with or without a token, then 404 as for any unknown path', async () => {
      const signedIn = await server.signIn(server.demo.siteAdminEmail);
      for (const token of [undefined, signedIn, METRICS_TOKEN]) expect((await scrape(server.url, token)).status, String(token)).to.equal(404);
    });
  });
});

describe('Prometheus metrics on METRICS_PORT [SQLite, real processes]', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'metrics-port-'));
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('when METRICS_PORT and METRICS_TOKEN are set, then /metrics is served there (to the token only) and not on the service port', async function () {
    this.timeout(60_000);
    const metricsPort = await freePort();
    const main = await startMainOnSqlite(folder, join(folder, 'educators.sqlite'), { METRICS_PORT: String(metricsPort), METRICS_TOKEN });
    try {
      const metricsUrl = `http://127.0.0.1:${metricsPort}`;
      expect((await scrape(main.url, METRICS_TOKEN)).status).to.equal(404);
      expect((await scrape(metricsUrl)).status).to.equal(401);
      const answer = await scrape(metricsUrl, METRICS_TOKEN);
      expect(answer.status, main.output()).to.equal(200);
      expect(familiesOf(answer.text)).to.include.members(['graphql_operation_duration_seconds', 'upload_queue_depth', 'process_cpu_user_seconds_total']);
      expect((await fetch(`${metricsUrl}/graphql`)).status).to.equal(404);
    } finally {
      main.child.kill('SIGTERM');
      await main.exited;
    }
  });
});
