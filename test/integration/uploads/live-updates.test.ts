import { expect } from 'chai';
import { buildApplication, type Application } from '../../../src/processes/composition-root';
import { EducatorAccountRecord } from '../../../src/infrastructure/persistence/records/records';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { subscribeAt, type Subscriber } from '../../support/live-updates-client';
import { pause, waitFor } from '../../support/polling';
import { startTestServer, type TestServer } from '../../support/test-server';
import { MIDDLE_SCHOOL, PARTNER_HIGH, siteIdsByName, uploadFile } from './upload-kit';

const CHANGES = `subscription($schoolSiteId: ID, $batchId: ID) {
  uploadBatchChanged(schoolSiteId: $schoolSiteId, batchId: $batchId) { id status fileName totalRows recordsProcessed recordsCreated recordsFailed schoolSite { name } }
}`;

interface Change {
  id: string;
  status: string;
  fileName: string;
  recordsProcessed: number;
  recordsCreated: number;
  recordsFailed: number;
  schoolSite: { name: string };
}

describeOnEachDatabase('Live updates of the upload log (uploadBatchChanged over graphql-sse)', (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  let siteAdmin: string;
  let districtAdmin: string;
  const subscribers: Subscriber<{ uploadBatchChanged: Change }>[] = [];

  before(async () => {
    server = await startTestServer(database, { uploadChunkRows: 2 });
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    districtAdmin = await server.signIn(server.demo.districtAdminEmail);
  });
  afterEach(() => {
    for (const subscriber of subscribers.splice(0)) subscriber.stop();
  });

  const subscribe = (token: string | undefined, variables: Record<string, unknown> = {}) => {
    const subscriber = subscribeAt<{ uploadBatchChanged: Change }>(server.url, CHANGES, variables, token ? { authorization: `Bearer ${token}` } : {});
    subscribers.push(subscriber);
    return subscriber;
  };
  const changesOf = (subscriber: Subscriber<{ uploadBatchChanged: Change }>) =>
    subscriber.results.flatMap((result) => (result.data ? [result.data.uploadBatchChanged] : []));
  const lastStatus = (subscriber: Subscriber<{ uploadBatchChanged: Change }>, batchId: string) =>
    changesOf(subscriber)
      .filter((change) => change.id === batchId)
      .at(-1);
  /** The stream is open once the server has looked at the site once: give it a poll interval. */
  const listening = () => pause(1200);

  it('when a file is uploaded and processed by another process, then a subscriber of its site sees it queued, its progress and its completion', async () => {
    const subscriber = subscribe(siteAdmin, { schoolSiteId: sites[PARTNER_HIGH] });
    await listening();
    const batch = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(6)), fileName: 'six.csv' });
    await waitFor('the queued batch', async () => (lastStatus(subscriber, batch.id)?.status === 'QUEUED' ? true : undefined), 10_000);

    // Another process: its own application, database pools and worker, sharing nothing in memory with the server.
    const other: Application = await buildApplication({ ...server.application.config }, { log: () => undefined });
    try {
      while ((await other.uploadWorker.execute()) > 0);
    } finally {
      await other.close();
    }
    const done = await waitFor(
      'the completed batch',
      async () => {
        const change = lastStatus(subscriber, batch.id);
        return change?.status === 'COMPLETED' ? change : undefined;
      },
      10_000,
    );
    expect(done).to.include({ fileName: 'six.csv', recordsProcessed: 6, recordsCreated: 6, recordsFailed: 0 });
    expect(done.schoolSite.name).to.equal(PARTNER_HIGH);
    const statuses = changesOf(subscriber).map((change) => change.status);
    expect(statuses[0]).to.equal('QUEUED');
    expect(statuses.at(-1)).to.equal('COMPLETED');
    expect(subscriber.results.filter((result) => result.errors)).to.deep.equal([]);
  });

  it('when a Site Admin follows every site they manage, then batches of other sites never reach them', async () => {
    const siteAdminSubscriber = subscribe(siteAdmin);
    const districtSubscriber = subscribe(districtAdmin);
    await listening();
    const middle = await uploadFile(server, districtAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: csvFile(educatorRows(2)), fileName: 'middle.csv' });
    const partner = await uploadFile(server, districtAdmin, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile(educatorRows(2, 10)),
      fileName: 'partner.csv',
    });
    await server.processUploads();
    await waitFor(
      'both batches at the District Admin',
      async () =>
        lastStatus(districtSubscriber, middle.id)?.status === 'COMPLETED' && lastStatus(districtSubscriber, partner.id)?.status === 'COMPLETED'
          ? true
          : undefined,
      10_000,
    );
    await waitFor(
      "the own site's batch at the Site Admin",
      async () => (lastStatus(siteAdminSubscriber, partner.id)?.status === 'COMPLETED' ? true : undefined),
      10_000,
    );
    expect(changesOf(siteAdminSubscriber).map((change) => change.schoolSite.name)).to.satisfy((names: string[]) =>
      names.every((name) => name === PARTNER_HIGH),
    );
    expect(changesOf(siteAdminSubscriber).some((change) => change.id === middle.id)).to.equal(false);
  });

  it('when one batch is followed, then only that batch is delivered', async () => {
    const first = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(2)), fileName: 'first.csv' });
    const subscriber = subscribe(siteAdmin, { batchId: first.id });
    await listening();
    await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(2, 10)), fileName: 'second.csv' });
    await server.processUploads();
    await waitFor('the followed batch completed', async () => (lastStatus(subscriber, first.id)?.status === 'COMPLETED' ? true : undefined), 10_000);
    await pause(1200);
    expect(new Set(changesOf(subscriber).map((change) => change.id))).to.deep.equal(new Set([first.id]));
  });

  it('when a Site Admin subscribes to another site or to a batch they may not see, then it is refused as FORBIDDEN', async () => {
    const middle = await uploadFile(server, districtAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: csvFile(educatorRows(1)), fileName: 'middle.csv' });
    for (const variables of [{ schoolSiteId: sites[MIDDLE_SCHOOL] }, { batchId: middle.id }, { batchId: 'no-such-batch' }]) {
      const subscriber = subscribe(siteAdmin, variables);
      await subscriber.ended;
      expect(subscriber.results.flatMap((result) => result.errors ?? []).map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
      expect(changesOf(subscriber)).to.deep.equal([]);
    }
  });

  it('when nobody is signed in, then the stream is refused and nothing is delivered', async () => {
    const response = await fetch(`${server.url}/graphql/stream?query=${encodeURIComponent('subscription { uploadBatchChanged { id } }')}`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(response.status).to.equal(401);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).to.equal('UNAUTHENTICATED');
  });

  it('when a query or a mutation is sent to the stream, then it is refused: only subscriptions are served there', async () => {
    for (const query of ['{ schoolSites { id } }', 'mutation { signIn(input: { username: "a", password: "b" }) { token } }']) {
      const response = await fetch(`${server.url}/graphql/stream`, {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${siteAdmin}` },
        body: JSON.stringify({ query }),
      });
      expect(response.status, query).to.equal(400);
    }
  });

  it('when the subscriber is demoted while listening, then their subscription ends and the next change does not reach them', async () => {
    const subscriber = subscribe(siteAdmin, { schoolSiteId: sites[PARTNER_HIGH] });
    await listening();
    await server.application.dataSource.getRepository(EducatorAccountRecord).update({ emailNormalized: server.demo.siteAdminEmail }, { roleCode: 'EDUCATOR' });
    // Past the time for which an authority check stands: the next change is checked again before it is delivered.
    server.clock.advanceDays(10 / 86_400);
    const batch = await uploadFile(server, districtAdmin, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile(educatorRows(1)),
      fileName: 'after-demotion.csv',
    });
    await subscriber.ended;
    expect(changesOf(subscriber).some((change) => change.id === batch.id)).to.equal(false);
  });
});
