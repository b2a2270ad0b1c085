import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import type { Credentials, IdentifyActor, Viewer } from '../../../../src/application/identify-actor';
import type { EducatorAccount } from '../../../../src/domain/educator/educator-account';
import { UploadLogCache } from '../../../../src/infrastructure/http/upload-log-cache';

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
  readonly cache: UploadLogCache;

  constructor() {
    const account = { id: 7 } as EducatorAccount;
    const identify = {
      accountIdOf: async (credentials: Credentials) => (credentials.bearerToken === 'good' ? 7 : null),
      viewerFrom: (found: EducatorAccount | null): Viewer | null =>
        found ? { account: found, actor: { accountId: 7, roleCode: 'SITE_ADMIN', districtId: 1, schoolSiteIds: [3] } } : null,
    } as unknown as IdentifyActor;
    const versions = {
      findByIdWithUploadLogVersion: async () => {
        this.accountReads += 1;
        return { account, uploadLogVersion: this.version };
      },
    };
    this.cache = new UploadLogCache(
      SCHEMA,
      identify,
      versions,
      { maxBytes: 1_000_000, maxAgeMs: MAX_AGE_MS, maxQueries: 10, maxTokens: 2000 },
      () => this.clock,
    );
  }

  /** What the GraphQL endpoint does: a kept answer if there is one, otherwise a run whose answer is handed back. */
  async ask(query = LOG_PAGE): Promise<string> {
    const lookup = await this.cache.lookUp({ body: { query }, credentials: { bearerToken: 'good', sessionSecret: undefined }, accept: undefined });
    if (lookup.kept) return lookup.kept.body.toString();
    this.runs += 1;
    const body = JSON.stringify(this.answerWithErrors ? { errors: [{ message: 'no' }], data: null } : { data: { run: this.runs } });
    lookup.keep?.({ status: 200, contentType: 'application/json; charset=utf-8', body });
    return body;
  }
}

describe('UploadLogCache', () => {
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
      'query { uploadBatches { nodes { uploadedBy { status } } } }',
      'mutation { signIn(input: { username: "a", password: "b" }) { token } }',
    ]) {
      await harness.ask(query);
      await harness.ask(query);
    }

    expect([harness.runs, harness.accountReads]).to.deep.equal([6, 0]);
  });
});
