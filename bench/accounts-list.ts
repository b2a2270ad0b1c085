/**
 * The Accounts tab's list with 1,000,000 accounts in the district: educatorAccounts pages under 50 connections, as a
 * District Admin (the whole district) and with each filter, against the production build as its own process. Not part
 * of `npm run bench` (seeding a million accounts takes a minute per database): run it on its own with
 *   npm run build && node dist/bench/accounts-list.js [--db mariadb|sqlite|both] [--accounts 1000000] [--duration 10]
 * Results go to bench/.data/accounts-list.json and the console; bench/RESULTS.md records the last run by hand.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphql, signInAs } from './client';
import { DEMO_DISTRICT_ADMIN_EMAIL, person } from './dataset';
import { load } from './reads';
import { freshDatabase, REPO_ROOT, snapshotServerBuild, startServer, type Db } from './server';
import { openSql, type Sql, type Value } from './sql';

const DAY_MS = 86_400_000;
const SLICE = 50_000;
const LATE_PAGE_ACCOUNTS = 100_000;

const PAGE_QUERY = `query($first: Int, $after: String, $schoolSiteId: ID, $status: AccountStatus, $roleCode: RoleCode, $search: String, $sort: AccountSortInput) {
  educatorAccounts(first: $first, after: $after, schoolSiteId: $schoolSiteId, status: $status, roleCode: $roleCode, search: $search, sort: $sort) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id firstName lastName email status role { code name } createdAt registrationDeadline schoolSites { id name } } } }`;

/** Pages walked only for their cursor: without the count, which each page would otherwise build afresh. */
const WALK_QUERY = `query($first: Int, $after: String) { educatorAccounts(first: $first, after: $after) { pageInfo { endCursor } } }`;

/** Every 100th account deactivated, then of the rest 60% registered, 8% expired, the others pending. */
const stateOf = (n: number): 'DEACTIVATED' | 'ACTIVE' | 'EXPIRED' | 'PENDING' =>
  n % 100 === 0 ? 'DEACTIVATED' : n % 100 < 60 ? 'ACTIVE' : n % 100 < 68 ? 'EXPIRED' : 'PENDING';

/** `count` accounts of the demo district, alternating between its two sites, written straight into the tables. */
const seedAccounts = async (sql: Sql, count: number): Promise<void> => {
  const [district] = await sql.query("SELECT district_id FROM school_site WHERE name = 'Demo Partner High'");
  const sites = (await sql.query('SELECT id FROM school_site WHERE district_id = ? ORDER BY id', [Number(district.district_id)])).map((row) => Number(row.id));
  const [creator] = await sql.query("SELECT id FROM educator_account WHERE role_code = 'DISTRICT_ADMIN'");
  const [{ next }] = await sql.query('SELECT COALESCE(MAX(id), 0) + 1 AS next FROM educator_account');
  const now = Date.now();
  for (let start = 0; start < count; start += SLICE) {
    const accounts: Value[][] = [];
    const memberships: Value[][] = [];
    for (let n = start; n < Math.min(count, start + SLICE); n += 1) {
      const p = person(n);
      const state = stateOf(n);
      const createdAt = now - (state === 'EXPIRED' ? 90 : (n % 59) + 1) * DAY_MS - n;
      const id = Number(next) + n;
      accounts.push([
        id,
        p.email,
        p.email.toLowerCase(),
        p.firstName,
        p.lastName,
        p.firstName.toLowerCase(),
        p.lastName.toLowerCase(),
        p.roleCode,
        Number(district.district_id),
        createdAt,
        createdAt + 60 * DAY_MS,
        Number(creator.id),
        state === 'ACTIVE' || state === 'DEACTIVATED' ? createdAt + DAY_MS : null,
        state === 'DEACTIVATED' ? now - DAY_MS : null,
      ]);
      memberships.push([id, sites[n % sites.length]]);
    }
    await sql.insertMany(
      'educator_account',
      [
        'id',
        'email',
        'email_normalized',
        'first_name',
        'last_name',
        'first_name_normalized',
        'last_name_normalized',
        'role_code',
        'district_id',
        'created_at',
        'registration_deadline',
        'created_by_account_id',
        'registered_at',
        'deactivated_at',
      ],
      accounts,
    );
    await sql.insertMany('educator_account_site', ['account_id', 'school_site_id'], memberships);
  }
  // Fresh statistics, as a database that grew to this size over time would have.
  await sql.query(sql.db === 'mariadb' ? 'ANALYZE TABLE educator_account, educator_account_site' : 'ANALYZE');
};

interface Scenario {
  name: string;
  variables: Record<string, unknown>;
}

const scenariosFor = (siteId: string, lateCursor: string): Scenario[] => [
  { name: 'the whole district, oldest first', variables: { first: 50 } },
  { name: 'one site, pending registration, by name', variables: { first: 50, schoolSiteId: siteId, status: 'PENDING_REGISTRATION' } },
  { name: 'search "mar" (start of a name or email)', variables: { first: 50, search: 'mar' } },
  { name: 'Counselors, newest first', variables: { first: 50, roleCode: 'COUNSELOR', sort: { field: 'CREATED_AT', direction: 'DESC' } } },
  { name: 'EXPIRED, by email', variables: { first: 50, status: 'EXPIRED', sort: { field: 'EMAIL', direction: 'ASC' } } },
  { name: `the whole district, ${LATE_PAGE_ACCOUNTS.toLocaleString('en-US')} accounts in`, variables: { first: 50, after: lateCursor } },
];

/** What the page costs when it cannot be answered from memory (right after a change): three requests one at a time, each with a variable of its own. */
const builtAfresh = async (url: string, token: string, variables: Record<string, unknown>): Promise<number[]> => {
  const times: number[] = [];
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const started = performance.now();
    await graphql(url, token, PAGE_QUERY, { ...variables, unused: `${Date.now()}-${attempt}` });
    times.push(performance.now() - started);
  }
  return times;
};

const parse = (argv: string[]) => {
  const value = (flag: string, fallback: string): string => {
    const at = argv.indexOf(flag);
    return at >= 0 && argv[at + 1] ? argv[at + 1] : fallback;
  };
  const db = value('--db', 'both');
  return {
    dbs: (db === 'both' ? ['mariadb', 'sqlite'] : [db]) as Db[],
    accounts: Number(value('--accounts', '1000000')),
    durationS: Number(value('--duration', '10')),
    connections: Number(value('--connections', '50')),
  };
};

const main = async (): Promise<void> => {
  const options = parse(process.argv.slice(2));
  const dataDir = join(REPO_ROOT, 'bench', '.data');
  mkdirSync(dataDir, { recursive: true });
  snapshotServerBuild(dataDir);
  const results: unknown[] = [];
  for (const db of options.dbs) {
    const databaseUrl = await freshDatabase(db, dataDir);
    const sql = await openSql(databaseUrl);
    const seeding = performance.now();
    await seedAccounts(sql, options.accounts);
    console.log(`${db}: ${options.accounts.toLocaleString('en-US')} accounts seeded in ${((performance.now() - seeding) / 1000).toFixed(0)} s`);
    const server = await startServer(databaseUrl, dataDir, `${db}-accounts-list`);
    try {
      const token = await signInAs(server.url, DEMO_DISTRICT_ADMIN_EMAIL);
      const { schoolSites } = await graphql<{ schoolSites: { id: string }[] }>(server.url, token, '{ schoolSites { id } }');
      type Page = { educatorAccounts: { totalCount: number; pageInfo: { endCursor: string } } };
      const first = await graphql<Page>(server.url, token, PAGE_QUERY, { first: 50 });
      if (first.educatorAccounts.totalCount < options.accounts) throw new Error(`totalCount ${first.educatorAccounts.totalCount} < ${options.accounts}`);
      let cursor = first.educatorAccounts.pageInfo.endCursor;
      // A cursor 100,000 accounts in, walked 100 at a time (the largest page); the keyset makes it cost what the first page does.
      for (let page = 1; page < LATE_PAGE_ACCOUNTS / 100; page += 1)
        cursor = (await graphql<Page>(server.url, token, WALK_QUERY, { first: 100, after: cursor })).educatorAccounts.pageInfo.endCursor;
      for (const scenario of scenariosFor(schoolSites[0].id, cursor)) {
        const request = { method: 'POST' as const, body: JSON.stringify({ query: PAGE_QUERY, variables: scenario.variables }) };
        await load(server.url, token, { durationS: 2, connections: options.connections, request });
        const figures = await load(server.url, token, { durationS: options.durationS, connections: options.connections, request });
        const afreshMs = await builtAfresh(server.url, token, scenario.variables);
        results.push({ db, accounts: options.accounts, scenario: scenario.name, connections: options.connections, ...figures, afreshMs });
        console.log(
          `  ${db} ${scenario.name}: ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms, errors ${figures.errors}${figures.errors ? ` ${figures.errorSamples[0]}` : ''}; built afresh, alone: ${afreshMs.map((ms) => ms.toFixed(0)).join(', ')} ms`,
        );
      }
    } finally {
      await sql.close();
      await server.stop(5000);
    }
  }
  writeFileSync(join(dataDir, 'accounts-list.json'), JSON.stringify(results, null, 2));
};

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
