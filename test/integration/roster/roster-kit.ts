import { expect } from 'chai';
import type { TestServer } from '../../support/test-server';
import { credentialHeaders, type Credential, type GraphQLResponse } from '../../support/graphql-client';

export const ROSTER_FIELDS = `id fileName version startedAt staffNotAtSchool
  schools { sourcedId name identifier staffCount matchedSite { id name } matchedBy nonSchool }
  roleMappings { rosterRole staffCount roleCode }
  ignored { students guardians disabled toBeDeleted }
  batches { id fileName status dryRun totalRows recordsCreated recordsSkipped recordsFailed rejectionReason schoolSite { id name } }`;

export const UPLOAD_ROSTER = `mutation($input: UploadRosterInput!) { uploadRoster(input: $input) { roster { ${ROSTER_FIELDS} } userErrors { code message field } } }`;
export const START_ROSTER_IMPORT = `mutation($input: StartRosterImportInput!) { startRosterImport(input: $input) { rosterImport { ${ROSTER_FIELDS} } userErrors { code message field } } }`;
export const SET_EXTERNAL_ID = `mutation($input: SetSchoolSiteExternalIdInput!) { setSchoolSiteExternalId(input: $input) { schoolSite { id name externalId } userErrors { code message field } } }`;

/** uploadRoster as the page sends it: a multipart request with the CSRF preflight header. */
export const uploadRoster = async (
  server: TestServer,
  credential: Credential | undefined,
  zip: Buffer,
  options: { fileName?: string; agreementAccepted?: boolean } = {},
): Promise<GraphQLResponse> => {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({ query: UPLOAD_ROSTER, variables: { input: { file: null, agreementAccepted: options.agreementAccepted ?? true } } }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([new Uint8Array(zip)]), options.fileName ?? 'roster.zip');
  const headers = { ...credentialHeaders(credential), 'apollo-require-preflight': 'true' };
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body: form });
  const text = await response.text();
  const body = JSON.parse(text) as Pick<GraphQLResponse, 'data' | 'errors'>;
  return { status: response.status, data: body.data, errors: body.errors, text, headers: response.headers };
};

/** The preview of an upload the service must accept. */
export const uploadedRoster = async (server: TestServer, token: string, zip: Buffer, fileName = 'roster.zip'): Promise<any> => {
  const response = await uploadRoster(server, token, zip, { fileName });
  expect(response.errors, response.text).to.equal(undefined);
  expect(response.data.uploadRoster.userErrors).to.deep.equal([]);
  return response.data.uploadRoster.roster;
};

export const accountsBySite = async (server: TestServer): Promise<Record<string, string[]>> => {
  const rows: { site: string; email: string; role_code: string }[] = await server.application.dataSource.query(
    `SELECT s.name AS site, a.email, a.role_code FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id
     JOIN school_site s ON s.id = m.school_site_id WHERE a.source_batch_id IS NOT NULL`,
  );
  const bySite: Record<string, string[]> = {};
  for (const row of rows) (bySite[row.site] ??= []).push(`${row.email} ${row.role_code}`);
  for (const list of Object.values(bySite)) list.sort();
  return bySite;
};
