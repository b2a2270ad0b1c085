import { expect } from 'chai';
import { DistrictRecord, EducatorAccountRecord, SchoolSiteRecord } from '../../../src/infrastructure/persistence/records/records';
import type { TestServer, UploadOptions } from '../../support/test-server';
import { credentialHeaders, type Credential } from '../../support/graphql-client';
import { anEducatorRow, csvFile } from '../../support/csv-fixtures';

/** What the upload log shows of a batch. */
export const BATCH_FIELDS = `id fileName status dryRun totalRows recordsProcessed recordsCreated recordsSkipped recordsFailed rejectionReason
  startTime endTime schoolSite { id name } uploadedBy { email } warnings { code message }`;

export const FAILURE_FIELDS = 'lineNumber schoolName fileName type email message reason code';

export interface Failure {
  lineNumber: number;
  schoolName: string;
  fileName: string;
  type: string;
  email: string | null;
  message: string;
  reason: string;
  code: string;
}

export interface Batch {
  id: string;
  fileName: string;
  status: 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'REJECTED';
  dryRun: boolean;
  totalRows: number | null;
  recordsProcessed: number;
  recordsCreated: number;
  recordsSkipped: number;
  recordsFailed: number;
  rejectionReason: string | null;
  startTime: string | null;
  endTime: string | null;
  schoolSite: { id: string; name: string };
  uploadedBy: { email: string };
  warnings: { code: string; message: string }[];
  failures: { nodes: Failure[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export const PARTNER_HIGH = 'Demo Partner High';
export const MIDDLE_SCHOOL = 'Demo Middle School';

/** Site ids by name, as the District Admin sees them. */
export const siteIdsByName = async (server: TestServer): Promise<Record<string, string>> => {
  const token = await server.signIn(server.demo.districtAdminEmail);
  const response = await server.graphql<{ schoolSites: { id: string; name: string }[] }>('{ schoolSites { id name } }', {}, token);
  return Object.fromEntries(response.data!.schoolSites.map((site) => [site.name, site.id]));
};

/** Uploads through real HTTP and returns the batch the mutation answered with; the upload must not be refused. */
export const uploadFile = async (
  server: TestServer,
  token: string,
  options: UploadOptions,
): Promise<{ id: string; status: string; rejectionReason: string | null }> => {
  const response = await server.upload(token, { select: 'id status rejectionReason', ...options });
  expect(response.errors, response.text).to.equal(undefined);
  expect(response.data.uploadEducatorAccounts.userErrors).to.deep.equal([]);
  return response.data.uploadEducatorAccounts.batch;
};

export const readBatch = async (server: TestServer, token: string, id: string, failures = 100): Promise<Batch> => {
  const response = await server.graphql(
    `query($id: ID!) { uploadBatch(id: $id) { ${BATCH_FIELDS} failures(first: ${failures}) { totalCount pageInfo { hasNextPage endCursor } nodes { ${FAILURE_FIELDS} } } } }`,
    { id },
    token,
  );
  expect(response.errors, response.text).to.equal(undefined);
  expect(response.data.uploadBatch, `batch ${id} is visible`).to.not.equal(null);
  return response.data.uploadBatch;
};

/** Upload, let the worker run, and read the finished batch from the log. */
export const uploadAndProcess = async (server: TestServer, token: string, options: UploadOptions): Promise<Batch> => {
  const { id } = await uploadFile(server, token, options);
  await server.processUploads();
  return readBatch(server, token, id);
};

export const countRows = async (server: TestServer, sql: string, parameters: unknown[] = []): Promise<number> => {
  const [row] = await server.application.dataSource.query(`SELECT COUNT(*) AS n FROM ${sql}`, parameters);
  return Number(row.n);
};

export const createdEmails = async (server: TestServer, siteId: string): Promise<string[]> => {
  const internal = server.application.publicIds.decode('site', siteId);
  const rows: { email: string }[] = await server.application.dataSource.query(
    `SELECT a.email FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id
     WHERE m.school_site_id = ? AND a.source_batch_id IS NOT NULL`,
    [internal],
  );
  // Sorted here: SQLite and MariaDB collations order mixed case differently.
  return rows.map((row) => row.email).sort();
};

export const invitationsIn = (emails: string[]): string[] => emails.filter((email) => email.includes('Registration code:'));

export const recipientOf = (email: string): string => /^To: (.*)$/m.exec(email)?.[1]?.trim() ?? '';
export const subjectOf = (email: string): string => /^Subject: (.*)$/m.exec(email)?.[1]?.trim() ?? '';

/** A second district with one site and its own District Admin, written straight to the database (no API creates districts). */
export const createOtherDistrict = async (server: TestServer): Promise<{ adminEmail: string; siteId: string }> => {
  const now = server.clock.now().getTime();
  const adminEmail = 'admin@other-district.example.org';
  const passwordHash = await server.application.passwords.hash(server.demo.password);
  return server.application.dataSource.transaction(async (manager) => {
    const district = await manager.save(DistrictRecord, { name: 'Other Unified', createdAt: now });
    const site = await manager.save(SchoolSiteRecord, { name: 'Other High', districtId: district.id, createdAt: now });
    await manager.save(EducatorAccountRecord, {
      email: adminEmail,
      emailNormalized: adminEmail,
      firstName: 'Otto',
      lastName: 'Other',
      roleCode: 'DISTRICT_ADMIN',
      districtId: district.id,
      createdAt: now,
      registrationDeadline: now + 60 * 24 * 3600 * 1000,
      registeredAt: now,
      passwordHash,
      createdByAccountId: null,
      sourceBatchId: null,
    });
    return { adminEmail, siteId: server.application.publicIds.encode('site', site.id) };
  });
};

export const download = async (server: TestServer, path: string, credential?: Credential): Promise<{ status: number; headers: Headers; text: string }> => {
  const response = await fetch(`${server.url}${path}`, { headers: credentialHeaders(credential) });
  // Decoded by Buffer rather than fetch's text(), which would silently drop a byte-order mark.
  return { status: response.status, headers: response.headers, text: Buffer.from(await response.arrayBuffer()).toString('utf8') };
};

/** Line 2 exists already at Partner High (skipped), line 4 is taken elsewhere, line 5 repeats line 3, line 6 names no role; 3 and 7 are new. */
export const mixedFile = (): string =>
  csvFile([
    anEducatorRow(1, { email: 'site.admin@demo-partner-high.example.org', role: 'Site Admin' }),
    anEducatorRow(2),
    anEducatorRow(3, { email: 'district.admin@demo-usd.example.org' }),
    anEducatorRow(4, { email: 'EDUCATOR2@partner-high.example.org' }),
    anEducatorRow(5, { role: 'Principal' }),
    anEducatorRow(6),
  ]);
