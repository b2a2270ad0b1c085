import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderSchema, SCHEMA_FILE } from '../../../src/cli/print-schema';

const ROOT = resolve(__dirname, '../../../..');

describe('Checked-in schema.graphql', () => {
  it('when the schema is rendered from the code, then it equals the checked-in schema.graphql', async () => {
    const rendered = await renderSchema();
    const checkedIn = readFileSync(resolve(ROOT, SCHEMA_FILE), 'utf8');

    expect(rendered === checkedIn, 'schema.graphql is stale: run `npm run schema` and commit the result').to.equal(true);
  });

  it('when the schema is rendered, then it holds the contract entry points', async () => {
    const rendered = await renderSchema();

    for (const line of [
      'me: EducatorAccount!',
      'grantable: Boolean\n  ): [Role!]!',
      'schoolSites: [SchoolSite!]!',
      'signIn(input: SignInInput!): SignInPayload!',
      'createEducatorAccount(input: CreateEducatorAccountInput!): CreateEducatorAccountPayload!',
      'registerAccount(input: RegisterAccountInput!): RegisterAccountPayload!',
    ]) {
      expect(rendered, line).to.contain(line);
    }
  });
});
