import { expect } from 'chai';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROLE_CODES } from '../../../src/domain/role/role';
import { SchoolSiteRecord } from '../../../src/infrastructure/persistence/records/records';
import { FIX_FILE_HEADER, TEMPLATE_HEADER, csvFile, parseCsv } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { UPLOAD_MUTATION, startTestServer, type Credential, type TestServer } from '../../support/test-server';
import { credentialHeaders, sessionSetBy } from '../../support/graphql-client';
import { fakeWebDist } from '../../support/web-dist';
import { oneRoster12Zip } from '../../support/roster-fixtures';
import { SET_EXTERNAL_ID, START_ROSTER_IMPORT, uploadRoster, uploadedRoster } from '../roster/roster-kit';
import {
  BATCH_FIELDS,
  FAILURE_FIELDS,
  MIDDLE_SCHOOL,
  PARTNER_HIGH,
  countRows,
  createOtherDistrict,
  download,
  readBatch,
  siteIdsByName,
  uploadFile,
  type Batch,
} from '../uploads/upload-kit';
import {
  ACTORS,
  AUTHORIZATION_MATRIX,
  SCOPES,
  cellsOf,
  type ActorName,
  type Cell,
  type CredentialKind,
  type Outcome,
  type Scope,
} from './authorization-matrix';

const ROOT = resolve(__dirname, '../../../..');

/** The root Query, Mutation and Subscription fields of a schema, as "Query.me", "Mutation.signIn", … */
const rootFieldsOf = (schema: GraphQLSchema): string[] =>
  [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
    .flatMap((type) => (type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : []))
    .sort();

const matrixFields = (root: 'Query' | 'Mutation' | 'Subscription'): string[] => Object.keys(AUTHORIZATION_MATRIX[root]).map((field) => `${root}.${field}`);

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
  rawPath?: string;
}

/** "METHOD /path" for every route of an Express app, mounted routers included. */
const httpRoutesOf = (stack: RouterLayer[], prefix = ''): string[] =>
  stack.flatMap((layer) => {
    if (layer.route) {
      const route = layer.route;
      return Object.keys(route.methods)
        .filter((method) => route.methods[method])
        .map((method) => `${method.toUpperCase()} ${prefix}${route.path}`);
    }
    if (layer.handle?.stack) return httpRoutesOf(layer.handle.stack, layer.rawPath && layer.rawPath !== '/' ? `${prefix}${layer.rawPath}` : prefix);
    return [];
  });

describe('The authorization matrix covers every entry point (deny by default)', () => {
  it('when schema.graphql has a root Query, Mutation or Subscription field, then the matrix names it, and the matrix names nothing else', () => {
    const schema = buildSchema(readFileSync(resolve(ROOT, 'schema.graphql'), 'utf8'));

    expect([...matrixFields('Query'), ...matrixFields('Mutation'), ...matrixFields('Subscription')].sort()).to.deep.equal(rootFieldsOf(schema));
  });

  it('when the matrix is read, then every guarded operation names every actor, and every scoped one every scope', () => {
    for (const root of ['Query', 'Mutation', 'Subscription', 'HTTP'] as const) {
      for (const [operation, entry] of Object.entries(AUTHORIZATION_MATRIX[root])) {
        if (entry.access === 'public') continue;
        expect(Object.keys(entry.cases), `${root}.${operation}`).to.not.have.length(0);
        for (const row of Object.values(entry.cases)) {
          expect(Object.keys(row).sort(), `${root}.${operation}`).to.deep.equal([...ACTORS].sort());
          for (const outcome of Object.values<unknown>(row)) {
            if (entry.scoped) expect(Object.keys(outcome as object).sort(), `${root}.${operation}`).to.deep.equal([...SCOPES].sort());
            else expect(outcome, `${root}.${operation}`).to.be.a('string');
          }
        }
      }
    }
  });
});

interface Site {
  id: string;
  name: string;
}

interface Answer {
  status: number;
  text: string;
  data?: any;
  errors?: { message: string; extensions?: { code?: string } }[];
  headers?: Headers;
}

const TABLES = [
  'educator_account',
  'educator_account_site',
  'agreement_acceptance',
  'outbox_message',
  'upload_batch',
  'upload_file_chunk',
  'upload_failure',
  'browser_session',
] as const;
type Counts = Record<(typeof TABLES)[number], number>;

const ROLE_OF: Record<Exclude<ActorName, 'anonymous'>, string> = {
  educator: 'EDUCATOR',
  counselor: 'COUNSELOR',
  siteAdmin: 'SITE_ADMIN',
  districtAdmin: 'DISTRICT_ADMIN',
  otherDistrictAdmin: 'DISTRICT_ADMIN',
};

const SITE_ADMIN_GRANTS = ['EDUCATOR', 'COUNSELOR_CASELOAD_ONLY', 'COUNSELOR', 'SITE_ADMIN'];

const ACTOR_LABEL: Record<ActorName, string> = {
  anonymous: 'someone who is not signed in asks',
  educator: 'an Educator asks',
  counselor: 'a Counselor asks',
  siteAdmin: 'the Site Admin asks',
  districtAdmin: 'the District Admin asks',
  otherDistrictAdmin: "another district's District Admin asks",
};

const SCOPE_LABEL: Record<Scope, string> = {
  ownSite: 'about their own site',
  otherSiteInDistrict: 'about another site of their district',
  otherDistrict: 'about a site of another district',
};

const OUTCOME_LABEL: Record<Outcome | 'public', string> = {
  allowed: 'it is allowed and answers exactly that',
  absent: "the scope's item is not in the answer",
  empty: 'the answer is an empty list',
  null: 'it reads as null, exactly like an id that names nothing',
  UNAUTHENTICATED: 'UNAUTHENTICATED and nothing is written',
  FORBIDDEN: 'FORBIDDEN and nothing is written',
  '401': 'HTTP 401',
  '404': 'HTTP 404, exactly like an id that names nothing',
  public: 'it answers on its own terms and writes nothing',
};

/** Nobody has a site of their own: their scopes are named from the demo district's side. */
const ANONYMOUS_SCOPE_LABEL: Record<Scope, string> = {
  ownSite: `about ${PARTNER_HIGH}`,
  otherSiteInDistrict: `about ${MIDDLE_SCHOOL}`,
  otherDistrict: 'about a site of another district',
};

const CREDENTIAL_LABEL: Record<CredentialKind, string> = { bearerToken: '', sessionCookie: ' through a session cookie' };
const ANONYMOUS_CREDENTIAL_LABEL: Record<CredentialKind, string> = { bearerToken: '', sessionCookie: ' with a cookie that names no session' };

const titleOf = (cell: Cell): string => {
  const scope = cell.scope ? ` ${(cell.actor === 'anonymous' ? ANONYMOUS_SCOPE_LABEL : SCOPE_LABEL)[cell.scope]}` : '';
  const credential = (cell.actor === 'anonymous' ? ANONYMOUS_CREDENTIAL_LABEL : CREDENTIAL_LABEL)[cell.credential];
  return `when ${ACTOR_LABEL[cell.actor]}${credential}${scope}, then ${OUTCOME_LABEL[cell.expected]}`;
};

const errorCodes = (answer: Answer): (string | undefined)[] => (answer.errors ?? []).map((error) => error.extensions?.code);

/** One good row (line 2) and two failing rows (lines 3 and 4) per site, with emails unique to the site. */
const fileWithFailures = (slug: string): string =>
  csvFile([
    { firstName: 'Good', lastName: 'Row', email: `good@${slug}.example.org`, role: 'Educator' },
    { firstName: 'Bad', lastName: 'Email', email: 'not-an-email', role: 'Educator' },
    { firstName: 'Bad', lastName: 'Role', email: `role@${slug}.example.org`, role: 'Principal' },
  ]);

describeOnEachDatabase('Authorization matrix: every operation × actor × scope', (database) => {
  let server: TestServer;
  const web = fakeWebDist();
  const token: Partial<Record<ActorName, string>> = {};
  /** Well-formed like a real secret, and names no session. */
  const session: Partial<Record<ActorName, { session: string }>> = { anonymous: { session: 'S'.repeat(43) } };
  const email: Partial<Record<ActorName, string>> = {};
  const site: Record<'partnerHigh' | 'middleSchool' | 'otherHigh' | 'otherMiddle', Site> = {} as never;
  /** Each site's batch as its uploader read it. */
  const batchAt = new Map<string, Batch>();
  /** Well-formed, correctly sealed ids that name no row. */
  const nowhere = { site: '', batch: '', account: '' };

  const siteFor = (actor: ActorName, scope: Scope): Site => {
    if (actor === 'otherDistrictAdmin') return { ownSite: site.otherHigh, otherSiteInDistrict: site.otherMiddle, otherDistrict: site.partnerHigh }[scope];
    return { ownSite: site.partnerHigh, otherSiteInDistrict: site.middleSchool, otherDistrict: site.otherHigh }[scope];
  };

  /** The sites where the same case is allowed for this actor: what a list may show them. */
  const reachOf = (cell: Cell): Site[] => {
    const entry = AUTHORIZATION_MATRIX[cell.root][cell.operation];
    if (entry.access === 'public' || !entry.scoped) return [];
    const row = entry.cases[cell.caseName!][cell.actor];
    return SCOPES.filter((scope) => row[scope] === 'allowed').map((scope) => siteFor(cell.actor, scope));
  };

  const batchFor = (cell: Cell): Batch => batchAt.get(siteFor(cell.actor, cell.scope!).name)!;
  /** The pending account each site's upload created ("good@<slug>.example.org"), as a public id and email. */
  const accountAt = new Map<string, { id: string; email: string }>();
  const accountFor = (cell: Cell): { id: string; email: string } => accountAt.get(siteFor(cell.actor, cell.scope!).name)!;
  const internalSiteId = (publicId: string): number => server.application.publicIds.decode('site', publicId)!;

  const counts = async (): Promise<Counts> => {
    const result = {} as Counts;
    for (const table of TABLES) result[table] = await countRows(server, table);
    return result;
  };

  const credentialOf = (cell: Cell): Credential | undefined => (cell.credential === 'bearerToken' ? token : session)[cell.actor];

  const graphql = (query: string, variables: Record<string, unknown>, cell: Cell): Promise<Answer> => server.graphql(query, variables, credentialOf(cell));

  /** uploadEducatorAccounts as a browser sends it; no credential at all when nobody is signed in. */
  const uploadAs = async (cell: Cell, schoolSiteId: string, content: string): Promise<Answer> => {
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({
        query: UPLOAD_MUTATION('status fileName schoolSite { id name } uploadedBy { email }'),
        variables: { input: { schoolSiteId, file: null, agreementAccepted: true } },
      }),
    );
    form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.append('0', new Blob([content]), 'matrix.csv');
    const headers: Record<string, string> = { 'apollo-require-preflight': 'true', ...credentialHeaders(credentialOf(cell)) };
    const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body: form });
    const text = await response.text();
    const body = JSON.parse(text);
    return { status: response.status, text, data: body.data, errors: body.errors };
  };

  /**
   * A subscription as a graphql-sse client opens it: the refusal, or what the stream delivered until `until` saw what
   * it waited for (or a poll interval and more passed); the answer's text holds the events received, in order.
   */
  const subscribeAs = async (
    cell: Cell,
    variables: Record<string, unknown>,
    whileOpen?: () => Promise<void>,
    until?: (data: any) => boolean,
  ): Promise<Answer> => {
    const abort = new AbortController();
    const response = await fetch(`${server.url}/graphql/stream`, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...credentialHeaders(credentialOf(cell)) },
      body: JSON.stringify({ query: SUBSCRIBE, variables }),
      signal: abort.signal,
    });
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
      const text = await response.text();
      const body = JSON.parse(text);
      return { status: response.status, text, data: body.data, errors: body.errors };
    }
    const events: { data?: any; errors?: Answer['errors'] }[] = [];
    let received = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>) {
          received += decoder.decode(piece, { stream: true });
          const blocks = received.split('\n\n').slice(0, -1);
          events.splice(0, events.length, ...blocks.filter((block) => block.startsWith('event: next')).map((block) => JSON.parse(block.split('\ndata: ')[1])));
          if (/^event: complete$/m.test(received) || events.some((event) => until?.(event.data))) break;
        }
      } catch {
        // Aborted below: the stream was still open, as an allowed subscription stays.
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await whileOpen?.();
    await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 2000))]);
    abort.abort();
    await reading;
    const errors = events.flatMap((event) => event.errors ?? []);
    const data = events.find((event) => event.data)?.data;
    return { status: response.status, text: JSON.stringify(events), data, errors: errors.length > 0 ? errors : undefined };
  };

  const deliveredBatches = (answer: Answer): { id: string; fileName: string; status: string; schoolSite: Site }[] =>
    (JSON.parse(answer.text) as { data?: { uploadBatchChanged: never } }[]).flatMap((event) => (event.data ? [event.data.uploadBatchChanged] : []));

  interface Probe {
    /** The GraphQL root field the answer lands in; absent for HTTP routes. */
    field?: string;
    send(cell: Cell): Promise<Answer>;
    /** The same request by the same actor about an id that names nothing. */
    nothing?(cell: Cell): Promise<Answer>;
    /** Checks of the outcomes that depend on the operation. */
    allowed?(answer: Answer, cell: Cell): Promise<void> | void;
    absent?(answer: Answer, cell: Cell): void;
    empty?(answer: Answer, cell: Cell): void;
    public?(answer: Answer, cell: Cell): void;
    /** Rows an allowed call adds. */
    writes?: Partial<Counts>;
  }

  const SUBSCRIBE =
    'subscription($site: ID, $batch: ID) { uploadBatchChanged(schoolSiteId: $site, batchId: $batch) { id fileName status schoolSite { id name } } }';
  const ONE_BATCH = `query($id: ID!) { uploadBatch(id: $id) { ${BATCH_FIELDS} failures(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { ${FAILURE_FIELDS} } } } }`;
  const ACCOUNTS = 'query($site: ID!) { educatorAccounts(schoolSiteId: $site) { totalCount nodes { email schoolSites { id } } } }';
  const AUDIT_EVENTS = 'query($site: ID) { auditEvents(schoolSiteId: $site, first: 100) { totalCount nodes { action schoolSite { id } } } }';
  const ACCOUNTS_ANYWHERE = '{ educatorAccounts(first: 100) { totalCount nodes { email schoolSites { id } } } }';
  const RESEND = 'mutation($id: ID!) { resendInvitation(input: { accountId: $id }) { account { email status } userErrors { code } } }';
  const RECREATE = 'mutation($id: ID!) { recreateEducatorAccount(input: { accountId: $id }) { account { email status } userErrors { code } } }';
  const RECREATE_SITE = 'mutation($site: ID!) { recreateExpiredAccounts(input: { schoolSiteId: $site }) { recreatedCount userErrors { code } } }';
  const UNLOCK = 'mutation($id: ID!) { unlockAccount(input: { accountId: $id }) { account { email } userErrors { code } } }';
  const UPDATE =
    'mutation($id: ID!, $lastName: String) { updateEducatorAccount(input: { accountId: $id, lastName: $lastName }) { account { email lastName } userErrors { code } } }';
  const BATCHES = 'query($site: ID) { uploadBatches(schoolSiteId: $site) { totalCount nodes { id schoolSite { id } } } }';
  const CREATE = `mutation($input: CreateEducatorAccountInput!) {
    createEducatorAccount(input: $input) { account { email status role { code } schoolSites { id name } } warnings { code } userErrors { code } }
  }`;
  const TAKE_BACK = (field: string, input: string) => `mutation($input: ${input}!) { ${field}(input: $input) { batch { status } userErrors { code } } }`;
  /** For an allowed cell, a batch of its own at the scope's site, written straight to the table (so only the call's own change is asserted); otherwise the site's shared batch. */
  const batchToTakeBack = async (cell: Cell, status: 'QUEUED' | 'COMPLETED'): Promise<string> => {
    if (cell.expected !== 'allowed') return batchFor(cell).id;
    const [uploader] = await server.application.dataSource.query('SELECT id FROM educator_account WHERE email = ?', [email[cell.actor]]);
    await server.application.dataSource.query(
      `INSERT INTO upload_batch (school_site_id, uploaded_by_account_id, file_name, byte_size, dry_run, status, total_rows, records_processed,
         records_created, records_skipped, records_failed, created_at) VALUES (?, ?, 'take-back.csv', 10, 0, ?, 0, 0, 0, 0, 0, ?)`,
      [internalSiteId(siteFor(cell.actor, cell.scope!).id), uploader.id, status, Date.now()],
    );
    const [row] = await server.application.dataSource.query('SELECT MAX(id) AS id FROM upload_batch');
    return server.application.publicIds.encode('batch', Number(row.id));
  };
  /**
   * For an allowed cell, a finished check of its own at the scope's site, with its stored file (one row, line 2 failing),
   * written straight to the tables; otherwise the site's shared, finished batch (refused before anything is looked at).
   */
  const checkToFollow = async (cell: Cell): Promise<string> => {
    if (cell.expected !== 'allowed') return batchFor(cell).id;
    const id = await batchToTakeBack(cell, 'COMPLETED');
    const batchId = server.application.publicIds.decode('batch', id);
    const content = csvFile([{ firstName: 'Matrix', lastName: 'Check', email: 'not-an-email', role: 'Educator' }]);
    await server.application.dataSource.query(
      'UPDATE upload_batch SET dry_run = 1, total_rows = 1, records_processed = 1, records_failed = 1, end_time = ? WHERE id = ?',
      [Date.now(), batchId],
    );
    await server.application.dataSource.query('INSERT INTO upload_file_chunk (batch_id, seq, data) VALUES (?, 0, ?)', [batchId, Buffer.from(content)]);
    await server.application.dataSource.query(
      `INSERT INTO upload_failure (batch_id, line_number, code, reason, role_as_written, email, original_cells) VALUES (?, 2, 'INVALID_EMAIL', 'Not an email.', 'Educator', 'not-an-email', ?)`,
      [batchId, JSON.stringify(['Matrix', 'Check', 'not-an-email', 'Educator'])],
    );
    return id;
  };
  const sortedSites = (sites: Site[]): Site[] => [...sites].sort((a, b) => a.name.localeCompare(b.name));
  const batchIdsOf = (answer: Answer): string[] => answer.data.uploadBatches.nodes.map((node: { id: string }) => node.id);
  const everyBatchWithinReach = (answer: Answer, cell: Cell): void => {
    const reach = reachOf(cell).map((one) => one.id);
    for (const node of answer.data.uploadBatches.nodes) expect(reach, `batch ${node.id} is within the viewer's reach`).to.include(node.schoolSite.id);
  };
  const createInput = (cell: Cell, schoolSiteId: string) => ({
    firstName: 'Matrix',
    lastName: 'Cell',
    email: `${cell.actor}.${cell.scope}.${cell.credential}@matrix.example.org`,
    roleCode: 'EDUCATOR',
    schoolSiteIds: [schoolSiteId],
    agreementAccepted: true,
  });
  const uploadContent = (cell: Cell) =>
    csvFile([{ firstName: 'Matrix', lastName: 'Upload', email: `upload.${cell.actor}.${cell.scope}.${cell.credential}@matrix.example.org`, role: 'Educator' }]);

  const ACTIVATION = (field: string, input: string) =>
    `mutation($input: ${input}!) { ${field}(input: $input) { account { email status schoolSites { id name } } userErrors { code } } }`;
  /** The Educator the upload of the site created (good@<slug>.example.org), by its public id. */
  const educatorAt = async (target: Site): Promise<{ id: string; email: string }> => {
    const slug = target.name
      .toLowerCase()
      .replace(/^demo /, '')
      .replace(/ school$/, '-school')
      .replace(/ /g, '-');
    const email = `good@${slug}.example.org`;
    const [row] = await server.application.dataSource.query('SELECT id FROM educator_account WHERE email_normalized = ?', [email]);
    expect(row, email).to.not.equal(undefined);
    return { id: server.application.publicIds.encode('account', Number(row.id)), email };
  };
  const activationProbe = (field: string, input: string, status: string): Probe => ({
    field,
    send: async (cell) => graphql(ACTIVATION(field, input), { input: { accountId: (await educatorAt(siteFor(cell.actor, cell.scope!))).id } }, cell),
    nothing: (cell) => graphql(ACTIVATION(field, input), { input: { accountId: server.application.publicIds.encode('account', 987_654_321) } }, cell),
    async allowed(answer, cell) {
      const target = siteFor(cell.actor, cell.scope!);
      expect(answer.data[field]).to.deep.equal({ account: { email: (await educatorAt(target)).email, status, schoolSites: [target] }, userErrors: [] });
    },
  });

  /** A roster whose one school matches no site: starting it creates no batch. */
  const MATRIX_ROSTER = oneRoster12Zip({
    orgs: [{ sourcedId: 'org-matrix', status: 'active', name: 'Matrix School', type: 'school', identifier: 'MX-1' }],
    people: [{ sourcedId: 'u-1', role: 'teacher', org: 'org-matrix', givenName: 'Mat', familyName: 'Rix', email: 'mat.rix@matrix.example.org' }],
  });
  /** A fresh roster import of the district of the site, uploaded by that district's District Admin. */
  const rosterOfDistrictOf = async (target: Site): Promise<string> => {
    const admin = target === site.otherHigh || target === site.otherMiddle ? 'otherDistrictAdmin' : 'districtAdmin';
    return ((await uploadedRoster(server, token[admin]!, MATRIX_ROSTER, 'matrix.zip')) as { id: string }).id;
  };
  const nowhereRoster = (): string => server.application.publicIds.encode('roster', 987_654_321);
  const ROSTER_IMPORT = 'query($id: ID!) { rosterImport(id: $id) { id fileName } }';

  const passwordOf = (actor: ActorName): string => (actor === 'educator' || actor === 'counselor' ? `${actor} has a long password` : server.demo.password);

  const PROBES: Record<string, Probe> = {
    "Mutation.uploadRoster/a OneRoster zip of the viewer's district": {
      field: 'uploadRoster',
      send: (cell) => uploadRoster(server, credentialOf(cell), MATRIX_ROSTER, { fileName: 'matrix.zip' }),
      allowed(answer) {
        const { roster, userErrors } = answer.data.uploadRoster;
        expect(userErrors).to.deep.equal([]);
        expect(roster).to.deep.include({ fileName: 'matrix.zip', version: '1.2', batches: [] });
        expect(roster.schools.map((school: { name: string; matchedSite: unknown }) => [school.name, school.matchedSite])).to.deep.equal([
          ['Matrix School', null],
        ]);
      },
    },
    "Mutation.startRosterImport/a roster import of the scope's district": {
      field: 'startRosterImport',
      send: async (cell) =>
        graphql(
          START_ROSTER_IMPORT,
          { input: { rosterImportId: await rosterOfDistrictOf(siteFor(cell.actor, cell.scope!)), schoolMappings: [], roleMappings: [] } },
          cell,
        ),
      nothing: (cell) => graphql(START_ROSTER_IMPORT, { input: { rosterImportId: nowhereRoster(), schoolMappings: [], roleMappings: [] } }, cell),
      allowed(answer) {
        const { rosterImport, userErrors } = answer.data.startRosterImport;
        expect(userErrors).to.deep.equal([]);
        expect(rosterImport.startedAt).to.be.a('string');
        expect(rosterImport.batches).to.deep.equal([]);
      },
    },
    "Query.rosterImport/id: a roster import of the scope's district": {
      field: 'rosterImport',
      send: async (cell) => graphql(ROSTER_IMPORT, { id: await rosterOfDistrictOf(siteFor(cell.actor, cell.scope!)) }, cell),
      nothing: (cell) => graphql(ROSTER_IMPORT, { id: nowhereRoster() }, cell),
      allowed(answer) {
        expect(answer.data.rosterImport).to.include({ fileName: 'matrix.zip' });
      },
    },
    "Mutation.setSchoolSiteExternalId/the scope's site": {
      field: 'setSchoolSiteExternalId',
      send: (cell) =>
        graphql(
          SET_EXTERNAL_ID,
          { input: { schoolSiteId: siteFor(cell.actor, cell.scope!).id, externalId: `M-${cell.actor}-${cell.scope}-${cell.credential}` } },
          cell,
        ),
      nothing: (cell) =>
        graphql(SET_EXTERNAL_ID, { input: { schoolSiteId: nowhere.site, externalId: `M-${cell.actor}-${cell.scope}-${cell.credential}` } }, cell),
      allowed(answer, cell) {
        expect(answer.data.setSchoolSiteExternalId).to.deep.equal({
          schoolSite: { ...siteFor(cell.actor, cell.scope!), externalId: `M-${cell.actor}-${cell.scope}-${cell.credential}` },
          userErrors: [],
        });
      },
    },
    "Mutation.changePassword/the viewer's own password, changed to itself": {
      field: 'changePassword',
      send: (cell) => {
        const password = cell.actor === 'anonymous' ? 'a password of nobody at all' : passwordOf(cell.actor);
        return graphql(
          'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { account { email } token userErrors { code } } }',
          { input: { currentPassword: password, newPassword: password } },
          cell,
        );
      },
      // A change ends the actor's other credentials: the later cells get fresh ones (a session for the one ended: no row more or less).
      async allowed(answer, cell) {
        const { token: fresh, ...rest } = answer.data.changePassword;
        expect(rest).to.deep.equal({ account: { email: email[cell.actor] }, userErrors: [] });
        if (cell.credential === 'bearerToken') {
          expect(fresh).to.be.a('string');
          token[cell.actor] = fresh;
          session[cell.actor] = await server.startSession(email[cell.actor]!, passwordOf(cell.actor));
        } else {
          expect(fresh).to.equal(null);
          token[cell.actor] = await server.signIn(email[cell.actor]!, passwordOf(cell.actor));
        }
      },
    },
    "Mutation.deactivateEducatorAccount/accountId: an Educator of the scope's site": activationProbe(
      'deactivateEducatorAccount',
      'DeactivateEducatorAccountInput',
      'DEACTIVATED',
    ),
    "Mutation.reactivateEducatorAccount/accountId: an Educator of the scope's site": activationProbe(
      'reactivateEducatorAccount',
      'ReactivateEducatorAccountInput',
      'PENDING_REGISTRATION',
    ),
    "Query.me/the viewer's own account": {
      field: 'me',
      send: (cell) => graphql('{ me { email role { code } schoolSites { name } } }', {}, cell),
      allowed(answer, cell) {
        const sites = cell.actor === 'districtAdmin' || cell.actor === 'otherDistrictAdmin' ? [] : [{ name: PARTNER_HIGH }];
        expect(answer.data.me).to.deep.equal({
          email: email[cell.actor],
          role: { code: ROLE_OF[cell.actor as Exclude<ActorName, 'anonymous'>] },
          schoolSites: sites,
        });
      },
    },
    'Query.roles/the six roles': {
      field: 'roles',
      send: (cell) => graphql('{ roles { code } }', {}, cell),
      allowed(answer) {
        expect(answer.data.roles.map((role: { code: string }) => role.code)).to.deep.equal([...ROLE_CODES]);
      },
    },
    'Query.roles/the roles the viewer may grant': {
      field: 'roles',
      send: (cell) => graphql('{ roles(grantable: true) { code } }', {}, cell),
      allowed(answer, cell) {
        const grantable = { educator: [], counselor: [], siteAdmin: SITE_ADMIN_GRANTS, districtAdmin: ROLE_CODES, otherDistrictAdmin: ROLE_CODES }[
          cell.actor as Exclude<ActorName, 'anonymous'>
        ];
        expect(answer.data.roles.map((role: { code: string }) => role.code)).to.deep.equal([...grantable]);
      },
    },
    'Query.educatorAccountTemplate/the header line': {
      field: 'educatorAccountTemplate',
      send: (cell) => graphql('{ educatorAccountTemplate { fileName columns content } }', {}, cell),
      allowed(answer) {
        expect(answer.data.educatorAccountTemplate).to.deep.equal({
          fileName: 'educator-accounts-template.csv',
          columns: TEMPLATE_HEADER,
          content: `${TEMPLATE_HEADER.join(',')}\r\n`,
        });
      },
    },
    "Query.schoolSites/whether the scope's site is listed": {
      field: 'schoolSites',
      send: (cell) => graphql('{ schoolSites { id name } }', {}, cell),
      allowed(answer, cell) {
        expect(answer.data.schoolSites).to.deep.include(siteFor(cell.actor, cell.scope!));
        expect(sortedSites(answer.data.schoolSites)).to.deep.equal(sortedSites(reachOf(cell)));
      },
      absent(answer, cell) {
        expect(answer.data.schoolSites.map((one: Site) => one.id)).to.not.include(siteFor(cell.actor, cell.scope!).id);
        expect(sortedSites(answer.data.schoolSites)).to.deep.equal(sortedSites(reachOf(cell)));
      },
      empty(answer) {
        expect(answer.data.schoolSites).to.deep.equal([]);
      },
    },
    "Query.educatorAccounts/schoolSiteId: the scope's site": {
      field: 'educatorAccounts',
      send: (cell) => graphql(ACCOUNTS, { site: siteFor(cell.actor, cell.scope!).id }, cell),
      nothing: (cell) => graphql(ACCOUNTS, { site: nowhere.site }, cell),
      async allowed(answer, cell) {
        const target = siteFor(cell.actor, cell.scope!);
        const members: { email: string }[] = await server.application.dataSource.query(
          'SELECT a.email FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id WHERE m.school_site_id = ? ORDER BY a.id',
          [internalSiteId(target.id)],
        );
        const listing = answer.data.educatorAccounts;
        expect(listing.totalCount).to.equal(members.length);
        expect(listing.nodes.map((node: { email: string }) => node.email)).to.deep.equal(members.map((member) => member.email));
        for (const node of listing.nodes) expect(node.schoolSites.map((one: { id: string }) => one.id)).to.include(target.id);
      },
    },
    "Query.auditEvents/schoolSiteId: the scope's site": {
      field: 'auditEvents',
      send: (cell) => graphql(AUDIT_EVENTS, { site: siteFor(cell.actor, cell.scope!).id }, cell),
      nothing: (cell) => graphql(AUDIT_EVENTS, { site: nowhere.site }, cell),
      async allowed(answer, cell) {
        const target = siteFor(cell.actor, cell.scope!);
        const [recorded]: { total: number | string }[] = await server.application.dataSource.query(
          'SELECT COUNT(*) AS total FROM audit_event WHERE school_site_id = ?',
          [internalSiteId(target.id)],
        );
        const listing = answer.data.auditEvents;
        expect(listing.totalCount).to.equal(Number(recorded.total));
        for (const node of listing.nodes) expect(node.schoolSite.id).to.equal(target.id);
      },
    },
    "Query.educatorAccounts/schoolSiteId omitted: whether the scope's site's account is listed": {
      field: 'educatorAccounts',
      send: (cell) => graphql(ACCOUNTS_ANYWHERE, {}, cell),
      allowed(answer, cell) {
        expect(answer.data.educatorAccounts.nodes.map((node: { email: string }) => node.email)).to.include(accountFor(cell).email);
      },
      absent(answer, cell) {
        expect(answer.data.educatorAccounts.nodes.map((node: { email: string }) => node.email)).to.not.include(accountFor(cell).email);
        const reach = reachOf(cell).map((one) => one.id);
        for (const node of answer.data.educatorAccounts.nodes as { schoolSites: { id: string }[] }[]) {
          if (node.schoolSites.length > 0) expect(reach).to.include.members(node.schoolSites.map((one) => one.id));
        }
      },
    },
    "Query.uploadBatch/id: the batch of the scope's site": {
      field: 'uploadBatch',
      send: (cell) => graphql(ONE_BATCH, { id: batchFor(cell).id }, cell),
      nothing: (cell) => graphql(ONE_BATCH, { id: nowhere.batch }, cell),
      allowed(answer, cell) {
        expect(answer.data.uploadBatch).to.deep.equal(batchFor(cell));
      },
    },
    "Query.uploadBatches/schoolSiteId: the scope's site": {
      field: 'uploadBatches',
      send: (cell) => graphql(BATCHES, { site: siteFor(cell.actor, cell.scope!).id }, cell),
      nothing: (cell) => graphql(BATCHES, { site: nowhere.site }, cell),
      allowed(answer, cell) {
        const target = siteFor(cell.actor, cell.scope!);
        expect(batchIdsOf(answer)).to.include(batchFor(cell).id);
        expect(answer.data.uploadBatches.totalCount).to.equal(answer.data.uploadBatches.nodes.length);
        for (const node of answer.data.uploadBatches.nodes) expect(node.schoolSite.id).to.equal(target.id);
      },
    },
    "Query.uploadBatches/schoolSiteId omitted: whether the scope's batch is listed": {
      field: 'uploadBatches',
      send: (cell) => graphql(BATCHES, {}, cell),
      allowed(answer, cell) {
        expect(batchIdsOf(answer)).to.include(batchFor(cell).id);
        everyBatchWithinReach(answer, cell);
      },
      absent(answer, cell) {
        expect(batchIdsOf(answer)).to.not.include(batchFor(cell).id);
        everyBatchWithinReach(answer, cell);
      },
    },
    "Mutation.createEducatorAccount/an Educator at the scope's site": {
      field: 'createEducatorAccount',
      send: (cell) => graphql(CREATE, { input: createInput(cell, siteFor(cell.actor, cell.scope!).id) }, cell),
      nothing: (cell) => {
        const email = `nowhere.${cell.actor}.${cell.scope}.${cell.credential}@matrix.example.org`;
        return graphql(CREATE, { input: { ...createInput(cell, nowhere.site), email } }, cell);
      },
      allowed(answer, cell) {
        expect(answer.data.createEducatorAccount).to.deep.equal({
          account: {
            email: `${cell.actor}.${cell.scope}.${cell.credential}@matrix.example.org`,
            status: 'PENDING_REGISTRATION',
            role: { code: 'EDUCATOR' },
            schoolSites: [siteFor(cell.actor, cell.scope!)],
          },
          warnings: [],
          userErrors: [],
        });
      },
      writes: { educator_account: 1, educator_account_site: 1, agreement_acceptance: 1, outbox_message: 1 },
    },
    "Mutation.uploadEducatorAccounts/a file for the scope's site": {
      field: 'uploadEducatorAccounts',
      send: (cell) => uploadAs(cell, siteFor(cell.actor, cell.scope!).id, uploadContent(cell)),
      nothing: (cell) => uploadAs(cell, nowhere.site, uploadContent(cell)),
      allowed(answer, cell) {
        expect(answer.errors, answer.text).to.equal(undefined);
        expect(answer.data.uploadEducatorAccounts).to.deep.equal({
          batch: { status: 'QUEUED', fileName: 'matrix.csv', schoolSite: siteFor(cell.actor, cell.scope!), uploadedBy: { email: email[cell.actor] } },
          userErrors: [],
        });
      },
      writes: { upload_batch: 1, upload_file_chunk: 1, agreement_acceptance: 1 },
    },
    "Mutation.cancelUploadBatch/batchId: a batch of the scope's site": {
      field: 'cancelUploadBatch',
      // Allowed: a batch of its own, waiting at the scope's site; refused: the site's shared, finished batch (refused before its status is looked at).
      send: async (cell) =>
        graphql(TAKE_BACK('cancelUploadBatch', 'CancelUploadBatchInput'), { input: { batchId: await batchToTakeBack(cell, 'QUEUED') } }, cell),
      nothing: (cell) => graphql(TAKE_BACK('cancelUploadBatch', 'CancelUploadBatchInput'), { input: { batchId: nowhere.batch } }, cell),
      allowed(answer) {
        expect(answer.data.cancelUploadBatch).to.deep.equal({ batch: { status: 'CANCELLED' }, userErrors: [] });
      },
      writes: { upload_batch: 1 },
    },
    "Mutation.createAccountsFromCheck/batchId: a finished check of the scope's site": {
      field: 'createAccountsFromCheck',
      send: async (cell) => {
        const answer = await graphql(
          'mutation($input: CreateAccountsFromCheckInput!) { createAccountsFromCheck(input: $input) { batch { status dryRun } userErrors { code } } }',
          { input: { batchId: await checkToFollow(cell) } },
          cell,
        );
        // The run would keep a place in the site's queue, which later cells upload to.
        await server.application.dataSource.query("UPDATE upload_batch SET status = 'COMPLETED' WHERE created_from_batch_id IS NOT NULL");
        return answer;
      },
      nothing: (cell) =>
        graphql(
          'mutation($input: CreateAccountsFromCheckInput!) { createAccountsFromCheck(input: $input) { userErrors { code } } }',
          { input: { batchId: nowhere.batch } },
          cell,
        ),
      allowed(answer) {
        expect(answer.data.createAccountsFromCheck).to.deep.equal({ batch: { status: 'QUEUED', dryRun: false }, userErrors: [] });
      },
      // The check, its file and its failing row (written for the cell), the run (the check's file moves to it), and the agreement.
      writes: { upload_batch: 2, upload_file_chunk: 1, upload_failure: 1, agreement_acceptance: 1 },
    },
    "Mutation.correctUploadRow/batchId: a finished check of the scope's site": {
      field: 'correctUploadRow',
      send: async (cell) =>
        graphql(
          'mutation($input: CorrectUploadRowInput!) { correctUploadRow(input: $input) { batch { rowsCorrected } userErrors { code } } }',
          {
            input: {
              batchId: await checkToFollow(cell),
              lineNumber: 2,
              firstName: 'Matrix',
              lastName: 'Check',
              email: `check.${cell.actor}.${cell.scope}.${cell.credential}@matrix.example.org`,
              userRole: 'Educator',
            },
          },
          cell,
        ),
      nothing: (cell) =>
        graphql(
          'mutation($input: CorrectUploadRowInput!) { correctUploadRow(input: $input) { userErrors { code } } }',
          { input: { batchId: nowhere.batch, lineNumber: 2, firstName: 'A', lastName: 'B', email: 'a@b.org', userRole: 'Educator' } },
          cell,
        ),
      allowed(answer) {
        expect(answer.data.correctUploadRow).to.deep.equal({ batch: { rowsCorrected: 1 }, userErrors: [] });
      },
      writes: { upload_batch: 1, upload_file_chunk: 1, upload_failure: 1 },
    },
    "Mutation.undoUploadBatch/batchId: a batch of the scope's site": {
      field: 'undoUploadBatch',
      send: async (cell) =>
        graphql(TAKE_BACK('undoUploadBatch', 'UndoUploadBatchInput'), { input: { batchId: await batchToTakeBack(cell, 'COMPLETED') } }, cell),
      nothing: (cell) => graphql(TAKE_BACK('undoUploadBatch', 'UndoUploadBatchInput'), { input: { batchId: nowhere.batch } }, cell),
      allowed(answer) {
        expect(answer.data.undoUploadBatch).to.deep.equal({ batch: { status: 'UNDONE' }, userErrors: [] });
      },
      writes: { upload_batch: 1 },
    },
    "Mutation.resendInvitation/the pending account of the scope's site": {
      field: 'resendInvitation',
      send: (cell) => graphql(RESEND, { id: accountFor(cell).id }, cell),
      nothing: (cell) => graphql(RESEND, { id: nowhere.account }, cell),
      allowed(answer, cell) {
        expect(answer.data.resendInvitation).to.deep.equal({ account: { email: accountFor(cell).email, status: 'PENDING_REGISTRATION' }, userErrors: [] });
      },
      writes: { outbox_message: 1 },
    },
    "Mutation.recreateEducatorAccount/the pending account of the scope's site (answered NOT_EXPIRED)": {
      field: 'recreateEducatorAccount',
      send: (cell) => graphql(RECREATE, { id: accountFor(cell).id }, cell),
      nothing: (cell) => graphql(RECREATE, { id: nowhere.account }, cell),
      allowed(answer, cell) {
        expect(answer.data.recreateEducatorAccount).to.deep.equal({
          account: { email: accountFor(cell).email, status: 'PENDING_REGISTRATION' },
          userErrors: [{ code: 'NOT_EXPIRED' }],
        });
      },
    },
    "Mutation.recreateExpiredAccounts/the scope's site (none expired)": {
      field: 'recreateExpiredAccounts',
      send: (cell) => graphql(RECREATE_SITE, { site: siteFor(cell.actor, cell.scope!).id }, cell),
      nothing: (cell) => graphql(RECREATE_SITE, { site: nowhere.site }, cell),
      allowed(answer) {
        expect(answer.data.recreateExpiredAccounts).to.deep.equal({ recreatedCount: 0, userErrors: [] });
      },
    },
    "Mutation.unlockAccount/the account of the scope's site": {
      field: 'unlockAccount',
      send: (cell) => graphql(UNLOCK, { id: accountFor(cell).id }, cell),
      nothing: (cell) => graphql(UNLOCK, { id: nowhere.account }, cell),
      allowed(answer, cell) {
        expect(answer.data.unlockAccount).to.deep.equal({ account: { email: accountFor(cell).email }, userErrors: [] });
      },
    },
    "Mutation.updateEducatorAccount/the pending account of the scope's site, its last name corrected": {
      field: 'updateEducatorAccount',
      send: (cell) => graphql(UPDATE, { id: accountFor(cell).id, lastName: `Corrected ${cell.actor} ${cell.credential}` }, cell),
      nothing: (cell) => graphql(UPDATE, { id: nowhere.account, lastName: `Corrected ${cell.actor} ${cell.credential}` }, cell),
      async allowed(answer, cell) {
        const lastName = `Corrected ${cell.actor} ${cell.credential}`;
        expect(answer.data.updateEducatorAccount).to.deep.equal({ account: { email: accountFor(cell).email, lastName }, userErrors: [] });
        const [row] = await server.application.dataSource.query('SELECT last_name FROM educator_account WHERE email_normalized = ?', [accountFor(cell).email]);
        expect(row.last_name).to.equal(lastName);
      },
    },
    "Subscription.uploadBatchChanged/schoolSiteId: the scope's site": {
      field: 'uploadBatchChanged',
      send: (cell) => {
        const target = siteFor(cell.actor, cell.scope!);
        // Allowed: a file uploaded for the site while the stream is open reaches it, queued.
        const uploadWhileOpen = cell.expected === 'allowed' ? async () => void (await uploadAs(cell, target.id, uploadContent(cell))) : undefined;
        return subscribeAs(cell, { site: target.id }, uploadWhileOpen, (data) => data?.uploadBatchChanged?.fileName === 'matrix.csv');
      },
      nothing: (cell) => subscribeAs(cell, { site: nowhere.site }),
      allowed(answer, cell) {
        const delivered = deliveredBatches(answer);
        expect(
          delivered.map((batch) => [batch.fileName, batch.status]),
          answer.text,
        ).to.deep.include(['matrix.csv', 'QUEUED']);
        for (const batch of delivered) expect(batch.schoolSite).to.deep.equal(siteFor(cell.actor, cell.scope!));
      },
      writes: { upload_batch: 1, upload_file_chunk: 1, agreement_acceptance: 1 },
    },
    "Subscription.uploadBatchChanged/batchId: the batch of the scope's site": {
      field: 'uploadBatchChanged',
      send: (cell) => subscribeAs(cell, { batch: batchFor(cell).id }),
      nothing: (cell) => subscribeAs(cell, { batch: nowhere.batch }),
      allowed(answer, cell) {
        // The stream opened and stayed open; nothing but that batch (shown when it finished just before) came through it.
        expect(answer.status).to.equal(200);
        for (const batch of deliveredBatches(answer)) expect(batch.id).to.equal(batchFor(cell).id);
      },
    },
    'Mutation.signIn': {
      field: 'signIn',
      send: (cell) =>
        graphql(
          'mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }',
          { input: { username: `nobody.${cell.actor}@matrix.example.org`, password: 'not the password of anyone' } },
          cell,
        ),
      public(answer) {
        expect(answer.errors, answer.text).to.equal(undefined);
        expect(answer.data.signIn).to.deep.equal({ token: null, userErrors: [{ code: 'INVALID_CREDENTIALS' }] });
      },
    },
    'Mutation.registerAccount': {
      field: 'registerAccount',
      send: (cell) =>
        graphql(
          'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { id } userErrors { code } } }',
          {
            input: {
              email: `nobody.${cell.actor}@matrix.example.org`,
              registrationCode: 'AAAA-BBBB-CCCC',
              password: 'a long enough password',
              educationalInterestAccepted: true,
            },
          },
          cell,
        ),
      public(answer) {
        expect(answer.errors, answer.text).to.equal(undefined);
        expect(answer.data.registerAccount).to.deep.equal({ account: null, userErrors: [{ code: 'INVALID_CODE' }] });
      },
    },
    'Mutation.requestPasswordReset': {
      field: 'requestPasswordReset',
      send: (cell) =>
        graphql(
          'mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) { userErrors { code } } }',
          { input: { email: `nobody.${cell.actor}@matrix.example.org` } },
          cell,
        ),
      public(answer) {
        expect(answer.errors, answer.text).to.equal(undefined);
        expect(answer.data.requestPasswordReset).to.deep.equal({ userErrors: [] });
      },
    },
    'Mutation.resetPassword': {
      field: 'resetPassword',
      send: (cell) =>
        graphql(
          'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { userErrors { code } } }',
          { input: { email: `nobody.${cell.actor}@matrix.example.org`, code: 'AAAA-BBBB-CCCC', newPassword: 'a long enough password' } },
          cell,
        ),
      public(answer) {
        expect(answer.errors, answer.text).to.equal(undefined);
        expect(answer.data.resetPassword).to.deep.equal({ userErrors: [{ code: 'INVALID_RESET_CODE' }] });
      },
    },
    'Mutation.startSession': {
      field: 'startSession',
      send: (cell) =>
        graphql(
          'mutation($input: SignInInput!) { startSession(input: $input) { account { id } userErrors { code } } }',
          { input: { username: `nobody.${cell.actor}@matrix.example.org`, password: 'not the password of anyone' } },
          cell,
        ),
      public(answer) {
        expect(answer.data.startSession).to.deep.equal({ account: null, userErrors: [{ code: 'INVALID_CREDENTIALS' }] });
        expect(sessionSetBy(answer.headers!)).to.equal(undefined);
      },
    },
    'Mutation.endSession': {
      field: 'endSession',
      send: (cell) => graphql('mutation { endSession }', {}, cell),
      public(answer) {
        expect(answer.data.endSession).to.equal(false);
      },
    },
    'HTTP.GET /{*page}': {
      send: (cell) => download(server, '/batches/any-batch', credentialOf(cell)),
      public(answer) {
        expect([answer.status, answer.headers!.get('content-type'), answer.text]).to.deep.equal([200, 'text/html; charset=utf-8', web.indexHtml]);
      },
    },
    'HTTP.GET /assets/*file': {
      send: (cell) => download(server, '/assets/index-3f9a2c1b.js', credentialOf(cell)),
      public(answer) {
        expect([answer.status, answer.text]).to.deep.equal([200, web.assets['/assets/index-3f9a2c1b.js']]);
      },
    },
    'HTTP.GET /graphiql': {
      send: (cell) => download(server, '/graphiql', credentialOf(cell)),
      public(answer) {
        expect([answer.status, answer.headers!.get('content-type')]).to.deep.equal([200, 'text/html; charset=utf-8']);
        expect(answer.text).to.contain('"endpoint": "/graphql"');
      },
    },
    'HTTP.GET /graphiql/static/*file': {
      send: (cell) => download(server, '/graphiql/static/ruru.css', credentialOf(cell)),
      public(answer) {
        expect([answer.status, answer.headers!.get('content-type')]).to.deep.equal([200, 'text/css; charset=utf-8']);
      },
    },
    'HTTP.GET /healthz': {
      send: (cell) => download(server, '/healthz', credentialOf(cell)),
      public(answer) {
        expect(answer.status).to.equal(200);
        expect(JSON.parse(answer.text)).to.deep.equal({ ok: true });
      },
    },
    'HTTP.GET /readyz': {
      send: (cell) => download(server, '/readyz', token[cell.actor]),
      public(answer) {
        expect(answer.status).to.equal(200);
        expect(JSON.parse(answer.text)).to.deep.equal({ ready: true, database: true, migrations: true, worker: 'off' });
      },
    },
    'HTTP.GET /metrics/the metrics, with a sign-in token rather than METRICS_TOKEN': {
      send: (cell) => download(server, '/metrics', token[cell.actor]),
    },
    'HTTP.GET /templates/educator-accounts.csv/the template file': {
      send: (cell) => download(server, '/templates/educator-accounts.csv', credentialOf(cell)),
      allowed(answer) {
        expect(answer.status).to.equal(200);
        expect(answer.headers!.get('content-type')).to.match(/^text\/csv/);
        expect(answer.headers!.get('content-disposition')).to.equal('attachment; filename="educator-accounts-template.csv"');
        expect(answer.text).to.equal(`${TEMPLATE_HEADER.join(',')}\r\n`);
      },
    },
    'HTTP.GET /templates/educator-accounts.xlsx/the template workbook': {
      send: (cell) => download(server, '/templates/educator-accounts.xlsx', credentialOf(cell)),
      allowed(answer) {
        expect(answer.status).to.equal(200);
        expect(answer.headers!.get('content-type')).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        expect(answer.headers!.get('content-disposition')).to.equal('attachment; filename="educator-accounts-template.xlsx"');
        expect(answer.text.startsWith('PK')).to.equal(true);
      },
    },
    "HTTP.GET /accounts.csv/schoolSiteId: the scope's site's accounts": {
      send: (cell) => download(server, `/accounts.csv?schoolSiteId=${siteFor(cell.actor, cell.scope!).id}`, credentialOf(cell)),
      nothing: (cell) => download(server, `/accounts.csv?schoolSiteId=${nowhere.site}`, credentialOf(cell)),
      async allowed(answer, cell) {
        const members: { email: string }[] = await server.application.dataSource.query(
          'SELECT a.email FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id WHERE m.school_site_id = ? ORDER BY a.id',
          [internalSiteId(siteFor(cell.actor, cell.scope!).id)],
        );
        expect(answer.status).to.equal(200);
        expect(
          parseCsv(answer.text.slice(1))
            .slice(1)
            .map((row) => row[2]),
        ).to.deep.equal(members.map((member) => member.email));
      },
    },
    "HTTP.GET /upload-batches/:id/failures.csv/the fix file of the scope's batch": {
      send: (cell) => download(server, `/upload-batches/${batchFor(cell).id}/failures.csv`, credentialOf(cell)),
      nothing: (cell) => download(server, `/upload-batches/${nowhere.batch}/failures.csv`, credentialOf(cell)),
      allowed(answer, cell) {
        const batch = batchFor(cell);
        const reasonOf = (line: number) => batch.failures.nodes.find((failure) => failure.lineNumber === line)!.reason;
        expect(answer.status).to.equal(200);
        expect(answer.text.startsWith('\uFEFF')).to.equal(true);
        expect(parseCsv(answer.text.slice(1))).to.deep.equal([
          FIX_FILE_HEADER,
          ['Bad', 'Email', 'not-an-email', 'Educator', '3', reasonOf(3)],
          ['Bad', 'Role', batch.failures.nodes[1].email, 'Principal', '4', reasonOf(4)],
        ]);
      },
    },
  };

  const probeKey = (cell: Cell): string => `${cell.root}.${cell.operation}${cell.caseName === null ? '' : `/${cell.caseName}`}`;

  before(async function () {
    this.timeout(120_000);
    // Resends not throttled here: each allowed cell resends the same site's account again.
    server = await startTestServer(database, { metricsToken: 'the-metrics-token-of-the-matrix', resendInvitationMinMinutes: 0 }, { webDist: web.dir });
    const demoSites = await siteIdsByName(server);
    site.partnerHigh = { id: demoSites[PARTNER_HIGH], name: PARTNER_HIGH };
    site.middleSchool = { id: demoSites[MIDDLE_SCHOOL], name: MIDDLE_SCHOOL };

    const other = await createOtherDistrict(server);
    const otherHigh = await server.application.dataSource.getRepository(SchoolSiteRecord).findOneByOrFail({ id: internalSiteId(other.siteId) });
    const otherMiddle = await server.application.dataSource
      .getRepository(SchoolSiteRecord)
      .save({ name: 'Other Middle', districtId: otherHigh.districtId, createdAt: otherHigh.createdAt });
    site.otherHigh = { id: other.siteId, name: otherHigh.name };
    site.otherMiddle = { id: server.application.publicIds.encode('site', otherMiddle.id), name: otherMiddle.name };
    nowhere.site = server.application.publicIds.encode('site', 987_654_321);
    nowhere.batch = server.application.publicIds.encode('batch', 987_654_321);
    nowhere.account = server.application.publicIds.encode('account', 987_654_321);

    email.siteAdmin = server.demo.siteAdminEmail;
    email.districtAdmin = server.demo.districtAdminEmail;
    email.otherDistrictAdmin = other.adminEmail;
    for (const actor of ['siteAdmin', 'districtAdmin', 'otherDistrictAdmin'] as const) {
      token[actor] = await server.signIn(email[actor]!);
      session[actor] = await server.startSession(email[actor]!);
    }

    // The Educator and the Counselor are invited by the Site Admin and register with the emailed code, as people do.
    for (const [actor, roleCode] of [
      ['educator', 'EDUCATOR'],
      ['counselor', 'COUNSELOR'],
    ] as const) {
      email[actor] = `${actor}@demo-partner-high.example.org`;
      const created = await server.graphql(
        CREATE,
        { input: { firstName: 'Matrix', lastName: actor, email: email[actor], roleCode, schoolSiteIds: [site.partnerHigh.id], agreementAccepted: true } },
        token.siteAdmin,
      );
      expect(created.data?.createEducatorAccount.userErrors, created.text).to.deep.equal([]);
      const invitation = (await server.deliveredEmails()).map((eml) => eml.replace(/=\r?\n/g, '')).find((eml) => eml.includes(email[actor]!))!;
      const code = /Registration code: ([A-Z0-9-]+)/.exec(invitation)![1];
      const password = `${actor} has a long password`;
      const registered = await server.graphql(
        'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { status } userErrors { code } } }',
        { input: { email: email[actor], registrationCode: code, password, educationalInterestAccepted: true } },
      );
      expect(registered.data?.registerAccount, registered.text).to.deep.equal({ account: { status: 'ACTIVE' }, userErrors: [] });
      token[actor] = await server.signIn(email[actor], password);
      session[actor] = await server.startSession(email[actor], password);
    }

    const uploads: [Site, ActorName, string][] = [
      [site.partnerHigh, 'siteAdmin', 'partner-high'],
      [site.middleSchool, 'districtAdmin', 'middle-school'],
      [site.otherHigh, 'otherDistrictAdmin', 'other-high'],
      [site.otherMiddle, 'otherDistrictAdmin', 'other-middle'],
    ];
    const ids: [Site, ActorName, string][] = [];
    for (const [target, uploader, slug] of uploads)
      ids.push([
        target,
        uploader,
        (await uploadFile(server, token[uploader]!, { schoolSiteId: target.id, content: fileWithFailures(slug), fileName: `${slug}.csv` })).id,
      ]);
    await server.processUploads();
    for (const [target, uploader, id] of ids) {
      const batch = await readBatch(server, token[uploader]!, id);
      expect(batch, target.name).to.deep.include({ status: 'COMPLETED', recordsCreated: 1, recordsFailed: 2, schoolSite: target });
      expect(batch.failures.nodes.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal([
        [3, 'INVALID_EMAIL'],
        [4, 'UNKNOWN_ROLE'],
      ]);
      batchAt.set(target.name, batch);
      const [created]: { id: number; email: string }[] = await server.application.dataSource.query(
        "SELECT a.id, a.email FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id WHERE m.school_site_id = ? AND a.email LIKE 'good@%'",
        [internalSiteId(target.id)],
      );
      accountAt.set(target.name, { id: server.application.publicIds.encode('account', Number(created.id)), email: created.email });
    }
  });
  after(async () => {
    await server?.close();
  });

  it("when the running server's schema and HTTP routes are listed, then the matrix names exactly those entry points", () => {
    expect([...matrixFields('Query'), ...matrixFields('Mutation'), ...matrixFields('Subscription')].sort()).to.deep.equal(
      rootFieldsOf(server.application.schema),
    );
    const app = server.application.routes as unknown as { router: { stack: RouterLayer[] } };
    expect([...new Set(httpRoutesOf(app.router.stack))].sort()).to.deep.equal(Object.keys(AUTHORIZATION_MATRIX.HTTP).sort());
  });

  const grouped = new Map<string, Cell[]>();
  for (const cell of cellsOf(AUTHORIZATION_MATRIX)) grouped.set(probeKey(cell), [...(grouped.get(probeKey(cell)) ?? []), cell]);

  for (const [key, cells] of grouped) {
    describe(key, () => {
      for (const cell of cells) {
        it(titleOf(cell), async () => {
          const probe = PROBES[key];
          expect(probe, `a probe for ${key}`).to.not.equal(undefined);
          const before = await counts();

          const answer = await probe.send(cell);
          const forNothing = ['null', 'FORBIDDEN', '404'].includes(cell.expected) && probe.nothing ? await probe.nothing(cell) : null;

          switch (cell.expected) {
            case 'UNAUTHENTICATED':
            case 'FORBIDDEN':
              expect(errorCodes(answer), answer.text).to.deep.equal([cell.expected]);
              expect(answer.data?.[probe.field!] ?? null, answer.text).to.equal(null);
              break;
            case 'null':
              expect(answer.errors, answer.text).to.equal(undefined);
              expect(answer.data[probe.field!]).to.equal(null);
              break;
            case '401':
              expect(answer.status).to.equal(401);
              expect(answer.text).to.not.contain('First Name');
              break;
            case '404':
              expect(answer.status).to.equal(404);
              break;
            case 'public':
            case 'allowed':
            case 'absent':
            case 'empty': {
              const check = probe[cell.expected]?.bind(probe);
              expect(check, `${key} has a check for ${cell.expected}`).to.be.a('function');
              if (probe.field) expect(answer.errors, answer.text).to.equal(undefined);
              await check!(answer, cell);
              break;
            }
          }
          if (forNothing) {
            expect(answer.status, 'the same status as for an id that names nothing').to.equal(forNothing.status);
            expect(answer.text, 'the same body as for an id that names nothing').to.equal(forNothing.text);
          }
          const expectedCounts = { ...before };
          if (cell.expected === 'allowed') for (const [table, added] of Object.entries(probe.writes ?? {})) expectedCounts[table as keyof Counts] += added;
          expect(await counts()).to.deep.equal(expectedCounts);
        });
      }
    });
  }
});
