import { expect } from 'chai';
import { auditCutoff, startBackgroundWork } from '../../../src/processes/background-work';
import { loadConfig } from '../../../src/processes/config';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { waitFor } from '../../support/polling';
import { startTestServer, type GraphQLResponse, type TestServer } from '../../support/test-server';

const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }`;
const SITES = '{ schoolSites { id name } }';
const EVENTS = `query($site: ID, $action: AuditAction, $actor: ID, $search: String, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  auditEvents(schoolSiteId: $site, action: $action, actorAccountId: $actor, search: $search, from: $from, to: $to, first: $first, after: $after) {
    nodes { id occurredAt action outcome actor { id email name } actorEmail targetAccount { email } targetBatchId schoolSite { name } clientAddress detail }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;

interface EventNode {
  action: string;
  outcome: string;
  actor: { id: string; email: string; name: string } | null;
  actorEmail: string | null;
  targetAccount: { email: string } | null;
  targetBatchId: string | null;
  schoolSite: { name: string } | null;
  clientAddress: string;
  detail: string | null;
}

describeOnEachDatabase('the audit trail through HTTP (recording, auditEvents, retention)', (database) => {
  let server: TestServer;
  let districtAdmin: string;
  let site: { partner: string; middle: string };

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const sites = (await server.graphql(SITES, {}, districtAdmin)).data.schoolSites as { id: string; name: string }[];
    site = { partner: sites.find((s) => s.name === 'Demo Partner High')!.id, middle: sites.find((s) => s.name === 'Demo Middle School')!.id };
  });
  after(async () => {
    await server?.close();
  });

  const createAt = (schoolSiteId: string, email: string, token = districtAdmin) =>
    server.graphql(
      CREATE,
      { input: { firstName: 'Test', lastName: 'Person', email, roleCode: 'EDUCATOR', schoolSiteIds: [schoolSiteId], agreementAccepted: true } },
      token,
    );
  const eventsAs = async (token: string | { session: string }, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> =>
    server.graphql(EVENTS, variables, token);
  const nodesOf = (response: GraphQLResponse): EventNode[] => {
    expect(response.errors, response.text).to.equal(undefined);
    return response.data.auditEvents.nodes as EventNode[];
  };
  const errorCodes = (response: GraphQLResponse) => response.errors?.map((error) => error.extensions?.code);
  const rows = (): Promise<Record<string, unknown>[]> => server.application.dataSource.query('SELECT * FROM audit_event ORDER BY id');

  it('when accounts are created, a file uploaded and sign-ins tried, then each is a row naming who, what, where from and how it ended', async () => {
    expect((await createAt(site.middle, 'new.person@example.org')).data.createEducatorAccount.userErrors).to.deep.equal([]);
    expect((await createAt(site.middle, 'NEW.person@example.org')).data.createEducatorAccount.userErrors).to.deep.equal([{ code: 'EMAIL_TAKEN' }]);
    const uploaded = await server.upload(districtAdmin, { schoolSiteId: site.partner, content: csvFile(educatorRows(2)), fileName: 'staff.csv' });
    expect(uploaded.errors, uploaded.text).to.equal(undefined);
    await server.graphql('mutation { signIn(input: { username: " Nobody@Example.org ", password: "wrong password" }) { userErrors { code } } }');
    await server.startSession(server.demo.siteAdminEmail);

    const recorded = await rows();
    expect(recorded.map((row) => [row.action, row.outcome])).to.deep.equal([
      ['SIGNED_IN', 'SUCCEEDED'],
      ['ACCOUNT_CREATED', 'SUCCEEDED'],
      ['ACCOUNT_CREATED', 'EMAIL_TAKEN'],
      ['ACCOUNTS_UPLOADED', 'SUCCEEDED'],
      ['SIGN_IN_REFUSED', 'INVALID_CREDENTIALS'],
      ['SIGNED_IN', 'SUCCEEDED'],
    ]);
    const [adminId]: { id: number }[] = await server.application.dataSource.query('SELECT id FROM educator_account WHERE email_normalized = ?', [
      server.demo.districtAdminEmail.toLowerCase(),
    ]);
    expect(Number(recorded[1].actor_account_id)).to.equal(Number(adminId.id));
    expect(recorded[1].target_account_id).to.not.equal(null);
    expect(recorded[3].target_batch_id).to.not.equal(null);
    expect(recorded[3].detail).to.equal('staff.csv');
    expect(recorded[4]).to.include({ actor_email: 'nobody@example.org', actor_account_id: null, district_id: null });
    for (const row of recorded) expect(String(row.client_address)).to.match(/127\.0\.0\.1|::1/);
    expect(JSON.stringify(recorded)).to.not.contain('wrong password');
  });

  it("when a District Admin reads auditEvents, then their district's events come newest first, page by page, with the total", async () => {
    await createAt(site.middle, 'one@example.org');
    await createAt(site.partner, 'two@example.org');
    await createAt(site.partner, 'three@example.org');

    const first = (await eventsAs(districtAdmin, { first: 2 })).data.auditEvents;
    expect(first.totalCount).to.equal(4);
    expect(first.nodes.map((node: EventNode) => node.targetAccount?.email ?? node.action)).to.deep.equal(['three@example.org', 'two@example.org']);
    expect(first.pageInfo.hasNextPage).to.equal(true);
    const second = (await eventsAs(districtAdmin, { first: 2, after: first.pageInfo.endCursor })).data.auditEvents;
    expect(second.nodes.map((node: EventNode) => node.targetAccount?.email ?? node.action)).to.deep.equal(['one@example.org', 'SIGNED_IN']);
    expect(second.pageInfo.hasNextPage).to.equal(false);
    const [newest] = first.nodes as EventNode[];
    expect(newest).to.deep.include({
      action: 'ACCOUNT_CREATED',
      outcome: 'SUCCEEDED',
      actorEmail: server.demo.districtAdminEmail,
      schoolSite: { name: 'Demo Partner High' },
    });
    expect(newest.actor?.email).to.equal(server.demo.districtAdminEmail);
  });

  it('when auditEvents is filtered by site, action, actor, email or time, then only the matching events are answered', async () => {
    await createAt(site.middle, 'one@example.org');
    await createAt(site.partner, 'two@example.org');
    await server.graphql('mutation { signIn(input: { username: "' + server.demo.siteAdminEmail + '", password: "wrong password" }) { userErrors { code } } }');
    const everything = nodesOf(await eventsAs(districtAdmin));
    const actorId = everything.find((node) => node.actor)!.actor!.id;

    expect(nodesOf(await eventsAs(districtAdmin, { site: site.middle })).map((node) => node.targetAccount?.email)).to.deep.equal(['one@example.org']);
    expect(nodesOf(await eventsAs(districtAdmin, { action: 'SIGN_IN_REFUSED' })).map((node) => node.actorEmail)).to.deep.equal([
      server.demo.siteAdminEmail.toLowerCase(),
    ]);
    expect(nodesOf(await eventsAs(districtAdmin, { actor: actorId })).map((node) => node.action)).to.deep.equal([
      'ACCOUNT_CREATED',
      'ACCOUNT_CREATED',
      'SIGNED_IN',
    ]);
    const bySearch = nodesOf(await eventsAs(districtAdmin, { search: server.demo.siteAdminEmail.slice(0, 6).toUpperCase() }));
    expect(bySearch.map((node) => node.action)).to.deep.equal(['SIGN_IN_REFUSED']);
    const now = server.clock.now().getTime();
    expect(nodesOf(await eventsAs(districtAdmin, { to: new Date(now - 60_000).toISOString() }))).to.deep.equal([]);
    expect(nodesOf(await eventsAs(districtAdmin, { from: new Date(now - 60_000).toISOString() }))).to.have.length(everything.length);
  });

  it("when a Site Admin reads auditEvents, then only their site's events are answered, and another site is FORBIDDEN", async () => {
    await createAt(site.middle, 'middle@example.org');
    await createAt(site.partner, 'partner@example.org');
    const siteAdmin = await server.startSession(server.demo.siteAdminEmail);

    const seen = nodesOf(await eventsAs(siteAdmin));
    expect(seen.map((node) => [node.action, node.targetAccount?.email ?? null])).to.deep.equal([
      ['SIGNED_IN', null],
      ['ACCOUNT_CREATED', 'partner@example.org'],
    ]);
    expect(seen.every((node) => node.schoolSite?.name === 'Demo Partner High')).to.equal(true);
    expect(errorCodes(await eventsAs(siteAdmin, { site: site.middle }))).to.deep.equal(['FORBIDDEN']);
  });

  it('when an Educator (a Site Admin demoted) or nobody asks for auditEvents, then FORBIDDEN and UNAUTHENTICATED', async () => {
    expect(errorCodes(await server.graphql(EVENTS, {}))).to.deep.equal(['UNAUTHENTICATED']);
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    await server.application.dataSource.query("UPDATE educator_account SET role_code = 'EDUCATOR' WHERE email_normalized = ?", [
      server.demo.siteAdminEmail.toLowerCase(),
    ]);
    expect(errorCodes(await eventsAs(siteAdmin))).to.deep.equal(['FORBIDDEN']);
  });

  it('when events are older than AUDIT_RETENTION_DAYS, then pruning removes them a bounded batch at a time and keeps the rest', async () => {
    const days = server.application.config.auditRetentionDays;
    const old = new Date(server.clock.now().getTime() - (days + 1) * 86_400_000);
    for (let index = 0; index < 3; index += 1) {
      await server.application.auditTrail.record({
        action: 'SIGNED_IN',
        outcome: 'SUCCEEDED',
        at: old,
        actorAccountId: null,
        districtId: null,
        clientAddress: '203.0.113.1',
      });
    }
    const before = (await rows()).length;

    expect(await server.application.auditTrail.pruneOlderThan(auditCutoff(server.application), 2)).to.equal(2);
    expect(await server.application.auditTrail.pruneOlderThan(auditCutoff(server.application), 2)).to.equal(1);
    expect(await server.application.auditTrail.pruneOlderThan(auditCutoff(server.application), 2)).to.equal(0);
    const left = await rows();
    expect(left).to.have.length(before - 3);
    expect(left.map((row) => row.action)).to.deep.equal(['SIGNED_IN']);
  });

  it('when the background work runs, then it prunes the events older than AUDIT_RETENTION_DAYS and keeps the newer', async () => {
    const days = server.application.config.auditRetentionDays;
    const now = server.clock.now().getTime();
    const at = (ageDays: number) => new Date(now - ageDays * 86_400_000);
    for (const ageDays of [days + 2, days - 1]) {
      await server.application.auditTrail.record({
        action: 'SIGNED_IN',
        outcome: 'SUCCEEDED',
        at: at(ageDays),
        actorAccountId: null,
        districtId: null,
        clientAddress: '203.0.113.2',
      });
    }

    const background = startBackgroundWork(server.application);
    try {
      await waitFor('pruned events', async () => ((await rows()).length === 2 ? true : undefined), 10_000);
    } finally {
      await background.stop();
    }
    const kept = (await rows()).map((row) => Number(row.occurred_at));
    expect(kept).to.include(at(days - 1).getTime());
    expect(kept).to.not.include(at(days + 2).getTime());
  });
});

describe('AUDIT_RETENTION_DAYS', () => {
  it('when unset, then events are kept 365 days; otherwise a positive whole number of days', () => {
    expect(loadConfig({}).auditRetentionDays).to.equal(365);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '90' }).auditRetentionDays).to.equal(90);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '0' })).to.throw('AUDIT_RETENTION_DAYS');
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: 'a year' })).to.throw('AUDIT_RETENTION_DAYS');
  });
});
