import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getNamedType, isObjectType, type GraphQLObjectType } from 'graphql';
import type { Credentials, IdentifyActor, Viewer } from '../../../../src/application/identify-actor';
import type { EducatorAccount } from '../../../../src/domain/educator/educator-account';
import { KEPT, KEPT_FIELDS, AnswerCache } from '../../../../src/infrastructure/http/answer-cache';

const SCHEMA = buildSchema(readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'schema.graphql'), 'utf8'));
const LOG_PAGE = 'query { uploadBatches(first: 5) { totalCount nodes { id status recordsProcessed } } }';
const MAX_AGE_MS = 60_000;

/** Plays Apollo's part: each request it runs answers with a new number, so a kept answer is recognisable. */
class Harness {
  version = 1;
  clock = 0;
  runs = 0;
  accountReads = 0;
  answerWithErrors = false;
  /** How long a run takes, so that requests can overlap. */
  runMs = 0;
  readonly cache: AnswerCache;

  constructor() {
    const account = { id: 7 } as EducatorAccount;
    const identify = {
      accountIdOf: async (credentials: Credentials) => (credentials.bearerToken === 'good' ? { accountId: 7, tokenCredentialsVersion: 0 } : null),
      viewerFrom: (found: EducatorAccount | null): Viewer | null =>
        found ? { account: found, actor: { accountId: 7, roleCode: 'SITE_ADMIN', districtId: 1, schoolSiteIds: [3] }, signedInWithToken: true } : null,
    } as unknown as IdentifyActor;
    const versions = {
      findByIdWithAnswersVersion: async () => {
        this.accountReads += 1;
        return { account, answersVersion: this.version };
      },
    };
    this.cache = new AnswerCache(SCHEMA, identify, versions, { maxBytes: 1_000_000, maxAgeMs: MAX_AGE_MS, maxQueries: 10, maxTokens: 2000 }, () => this.clock);
  }

  /** What the GraphQL endpoint does: a kept answer if there is one, otherwise a run whose answer is handed back. */
  async ask(query = LOG_PAGE): Promise<string> {
    const lookup = await this.cache.lookUp({ body: { query }, credentials: { bearerToken: 'good', sessionSecret: undefined }, accept: undefined });
    if (lookup.kept) return lookup.kept.body.toString();
    try {
      this.runs += 1;
      const run = this.runs;
      await new Promise((done) => setTimeout(done, this.runMs));
      const body = JSON.stringify(this.answerWithErrors ? { errors: [{ message: 'no' }], data: null } : { data: { run } });
      lookup.keep?.({ status: 200, contentType: 'application/json; charset=utf-8', body });
      return body;
    } finally {
      lookup.settle?.();
    }
  }
}

describe('AnswerCache', () => {
  it('when nothing changed, then the kept answer is given without running the request again', async () => {
    const harness = new Harness();

    const first = await harness.ask();
    harness.clock += 1000;
    const again = await harness.ask();

    expect([first, again, harness.runs]).to.deep.equal(['{"data":{"run":1}}', '{"data":{"run":1}}', 1]);
  });

  it("when the district's log counter moved, then the request runs again", async () => {
    const harness = new Harness();
    await harness.ask();

    harness.version += 1;

    expect(await harness.ask()).to.equal('{"data":{"run":2}}');
  });

  it('when a kept answer is older than its limit, then the request runs again even though the counter stood still', async () => {
    const harness = new Harness();
    await harness.ask();

    harness.clock += MAX_AGE_MS + 1;

    expect(await harness.ask()).to.equal('{"data":{"run":2}}');
  });

  it('when the same page is asked for by several at once, then it is built once and each is given that answer', async () => {
    const harness = new Harness();
    harness.runMs = 20;

    const answers = await Promise.all([harness.ask(), harness.ask(), harness.ask()]);

    expect(harness.runs).to.equal(1);
    expect(answers).to.deep.equal([answers[0], answers[0], answers[0]]);
  });

  it('when the answer several wait for holds errors, or the counter moved meanwhile, then each of them runs the request itself', async () => {
    const harness = new Harness();
    harness.runMs = 20;
    harness.answerWithErrors = true;
    await Promise.all([harness.ask(), harness.ask(), harness.ask()]);
    expect(harness.runs).to.equal(3);

    harness.answerWithErrors = false;
    const first = harness.ask();
    await new Promise((done) => setTimeout(done, 5));
    harness.version += 1;
    const afterTheChange = await harness.ask();
    expect(JSON.parse(afterTheChange)).to.deep.equal({ data: { run: 5 } });
    expect(JSON.parse(await first)).to.deep.equal({ data: { run: 4 } });
  });

  it('when an answer holds errors, then it is not kept', async () => {
    const harness = new Harness();
    harness.answerWithErrors = true;

    await harness.ask();
    await harness.ask();

    expect(harness.runs).to.equal(2);
  });

  it('when a query asks for a field outside the kept set or is a mutation, then it always runs and the account is not read ahead', async () => {
    const harness = new Harness();
    for (const query of [
      'query { me { status } }',
      'query { uploadBatches { nodes { schoolSite { siteAdminCount } } } }',
      'mutation { signIn(input: { username: "a", password: "b" }) { token } }',
    ]) {
      await harness.ask(query);
      await harness.ask(query);
    }

    expect([harness.runs, harness.accountReads]).to.deep.equal([6, 0]);
  });
});

describe('The fields the answer cache may keep', () => {
  /** Every object type reached from the cached root fields through kept fields, with each of its fields. */
  const reachableFields = (): [string, string][] => {
    const reached: [string, string][] = Object.keys(KEPT_FIELDS.Query).map((root) => ['Query', root]);
    const visited = new Set<string>();
    for (let index = 0; index < reached.length; index += 1) {
      const [typeName, fieldName] = reached[index];
      if (KEPT_FIELDS[typeName]?.[fieldName] !== KEPT) continue;
      const parent = SCHEMA.getType(typeName) as GraphQLObjectType;
      const type = getNamedType(parent.getFields()[fieldName].type);
      if (!isObjectType(type) || visited.has(type.name)) continue;
      visited.add(type.name);
      for (const field of Object.keys(type.getFields())) reached.push([type.name, field]);
    }
    return reached;
  };

  it('when a field can be reached from the cached root fields through kept fields, then it is classified as kept or given a reason not to be', () => {
    const reached = reachableFields();

    const unclassified = reached.filter(([typeName, fieldName]) => KEPT_FIELDS[typeName]?.[fieldName] === undefined).map((field) => field.join('.'));
    expect(unclassified, 'classify each in KEPT_FIELDS (answer-cache.ts)').to.deep.equal([]);
    expect(reached.length).to.be.greaterThan(40);
  });

  it('when a field is classified, then it exists in the schema: a renamed or removed field does not linger', () => {
    const missing = Object.entries(KEPT_FIELDS).flatMap(([typeName, fields]) =>
      Object.keys(fields).flatMap((fieldName) =>
        (SCHEMA.getType(typeName) as GraphQLObjectType | undefined)?.getFields()[fieldName] ? [] : [`${typeName}.${fieldName}`],
      ),
    );

    expect(missing).to.deep.equal([]);
  });

  const writersOf = (table: string): string[] => {
    const source = join(__dirname, '..', '..', '..', '..', '..', 'src');
    const files = (readdirSync(source, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts') && !file.includes('migrations'));
    return files.filter((file) => new RegExp(`(UPDATE|INTO)\\s+${table}\\b`, 'i').test(readFileSync(join(source, file), 'utf8')));
  };

  it('when the upload log counter is written, then only upload-log-version.ts writes it: every change goes through uploadLogChanged', () => {
    expect(writersOf('upload_log_version')).to.deep.equal([join('infrastructure', 'persistence', 'upload-log-version.ts')]);
  });

  it('when a district accounts counter is written, then only account-list-version.ts writes it: every change goes through accountListChanged', () => {
    expect(writersOf('account_list_version')).to.deep.equal([join('infrastructure', 'persistence', 'account-list-version.ts')]);
  });
});
