import { expect } from 'chai';
import { TEMPLATE_HEADER } from '../../support/csv-fixtures';
import type { GraphQLResponse } from '../../support/test-server';
import {
  DEMO_DISTRICT_ADMIN_EMAIL,
  DEMO_SITE_ADMIN_EMAIL,
  accountsWithoutExactlyOneInvitation,
  describeAgainstMariaDb,
  duplicateAccounts,
  openFaultEnvironment,
  siteIdsByName,
  type Api,
  type FaultEnvironment,
} from './fault-kit';

const ROWS = 100_000;
/** Every hundredth row has a broken email, so the log has failures to page through while it grows. */
const BROKEN_EVERY = 100;
const CLIENTS = 50;
/** The longest the clients read (they stop earlier when the batch completes); a bound on the test, not something it measures. */
const LOAD_MS = 15_000;

const LOG = '{ uploadBatches(first: 20) { totalCount nodes { id status recordsProcessed recordsCreated recordsFailed } } }';
const FAILURES = `query($id: ID!, $after: String) { uploadBatch(id: $id) { status recordsProcessed
  failures(first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { lineNumber code reason } } } }`;

interface ClientReport {
  requests: number;
  problems: string[];
  /** recordsProcessed as this client saw it, in order. */
  progress: number[];
  /** Line numbers of each walk through the failures, page after page. */
  walks: number[][];
}

describeAgainstMariaDb('Reading the upload log under load while a worker process settles a large batch', () => {
  let environment: FaultEnvironment;
  let api: Api;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('load');
    api = await environment.startApi();
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  /** One client: reads the log and walks the failures page by page, alternately, until told to stop. */
  const client = async (token: string, batchId: string, reading: () => boolean): Promise<ClientReport> => {
    const report: ClientReport = { requests: 0, problems: [], progress: [], walks: [[]] };
    let after: string | null = null;
    while (reading()) {
      const readLog = report.requests % 2 === 0;
      const response: GraphQLResponse = readLog ? await api.graphql(LOG, {}, token) : await api.graphql(FAILURES, { id: batchId, after }, token);
      report.requests += 1;
      if (response.status !== 200 || response.errors || !response.data) {
        report.problems.push(`${response.status} ${response.text.slice(0, 300)}`);
        continue;
      }
      if (readLog) {
        const batch = response.data.uploadBatches.nodes.find((node: { id: string }) => node.id === batchId);
        report.progress.push(batch.recordsProcessed);
      } else {
        const { recordsProcessed, failures } = response.data.uploadBatch as {
          recordsProcessed: number;
          failures: { nodes: { lineNumber: number }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
        };
        report.progress.push(recordsProcessed);
        report.walks[report.walks.length - 1].push(...failures.nodes.map((node: { lineNumber: number }) => node.lineNumber));
        after = failures.pageInfo.hasNextPage ? failures.pageInfo.endCursor : null;
        if (after === null) report.walks.push([]);
      }
    }
    return report;
  };

  it(`when ${CLIENTS} clients read the log and its failures for ${LOAD_MS / 1000} s while a ${ROWS.toLocaleString('en-US')}-row batch is processed, then every answer is a 200 without errors and the batch completes with correct counts`, async function () {
    this.timeout(240_000);
    const tokens = [await api.signIn(DEMO_SITE_ADMIN_EMAIL), await api.signIn(DEMO_DISTRICT_ADMIN_EMAIL)];
    const siteId = (await siteIdsByName(api, tokens[1]))['Demo Partner High'];
    const lines = Array.from({ length: ROWS }, (_, index) => {
      const n = index + 1;
      return `Given${n},Family${n},${n % BROKEN_EVERY === 0 ? `broken-${n}` : `loaded${n}@load.example.org`},Educator`;
    });
    const uploaded = await api.upload(tokens[0], {
      schoolSiteId: siteId,
      content: `${[TEMPLATE_HEADER.join(','), ...lines].join('\r\n')}\r\n`,
      fileName: 'load.csv',
    });
    expect(uploaded.errors, uploaded.text).to.equal(undefined);
    expect(uploaded.data.uploadEducatorAccounts.batch).to.include({ status: 'QUEUED', totalRows: ROWS });
    const publicId: string = uploaded.data.uploadEducatorAccounts.batch.id;
    const batchId = environment.publicIds.decode('batch', publicId)!;

    const worker = environment.startWorker();
    const deadline = Date.now() + LOAD_MS;
    let completed = false;
    const watching = (async () => {
      while (!completed && Date.now() < deadline) {
        completed = (await environment.batch(batchId)).status === 'COMPLETED';
        await new Promise((resume) => setTimeout(resume, 100));
      }
    })();
    const reports = await Promise.all(
      Array.from({ length: CLIENTS }, (_, index) => client(tokens[index % 2], publicId, () => !completed && Date.now() < deadline)),
    );
    await watching;

    const done = await environment.completed(batchId, 'the worker to complete the batch', 180_000, 100);
    await worker.stop();

    const problems = reports.flatMap((report) => report.problems);
    expect(problems.slice(0, 5), `${problems.length} of ${reports.reduce((sum, report) => sum + report.requests, 0)} requests failed`).to.deep.equal([]);
    expect(
      reports.every((report) => report.requests >= 2),
      'every client got answers to both of its queries',
    ).to.equal(true);
    for (const report of reports) {
      // Each chunk commits its progress whole, so one client never sees the counters go backwards.
      expect(report.progress).to.deep.equal([...report.progress].sort((a, b) => a - b));
      // Paging by cursor over a growing list neither repeats nor reorders a line.
      for (const walk of report.walks) expect(walk).to.deep.equal([...new Set(walk)].sort((a, b) => a - b));
    }
    const seenMidway = reports.flatMap((report) => report.progress).filter((processed) => processed > 0 && processed < ROWS);
    expect(seenMidway, 'the clients read while the batch was being processed').to.not.deep.equal([]);

    const failed = ROWS / BROKEN_EVERY;
    expect(done).to.deep.equal({ status: 'COMPLETED', totalRows: ROWS, processed: ROWS, created: ROWS - failed, skipped: 0, failed });
    expect(await environment.count('educator_account WHERE source_batch_id = ?', [batchId])).to.equal(ROWS - failed);
    expect(await environment.count("upload_failure WHERE batch_id = ? AND code = 'INVALID_EMAIL'", [batchId])).to.equal(failed);
    expect(await duplicateAccounts(environment)).to.deep.equal([]);
    expect(await accountsWithoutExactlyOneInvitation(environment)).to.deep.equal([]);
    const final = await api.graphql(FAILURES, { id: publicId, after: null }, tokens[0]);
    expect(final.errors, final.text).to.equal(undefined);
    expect(final.data.uploadBatch.failures.totalCount).to.equal(failed);
    expect(api.output.join('')).to.not.include('Unexpected error');
  });
});
