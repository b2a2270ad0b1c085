import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { statementsOf } from '../../support/statements';
import { startTestServer, type TestServer } from '../../support/test-server';

const LOG_PAGE = `query($first: Int) { uploadBatches(first: $first) { totalCount nodes { id fileName
  schoolSite { name siteAdminCount district { name } } uploadedBy { email schoolSites { name } district { name } } } } }`;
const FAILURES_PAGE =
  'query($id: ID!, $first: Int) { uploadBatch(id: $id) { fileName failures(first: $first) { totalCount nodes { lineNumber schoolName } } } }';

const BATCHES = 100;
const SITES = 10;
const UPLOADERS = 20;
const FAILURES = 100;

describeOnEachDatabase('The SQL statements of reading the upload log', (database) => {
  let server: TestServer;
  let token: string;
  let newestBatchId: string;
  let newestBatchSite: string;

  before(async () => {
    server = await startTestServer(database);
    const sql = server.application.dataSource;
    const { districtId } = server.demo;
    // More sites and uploaders than a small page shows, so that a query per row (or per distinct site or uploader) would show.
    await sql.query(
      `INSERT INTO school_site (district_id, name, created_at) VALUES ${Array.from({ length: SITES - 2 }, () => '(?, ?, 0)').join(', ')}`,
      Array.from({ length: SITES - 2 }, (_, index) => [districtId, `Extra School ${index}`]).flat(),
    );
    const sites: { id: number; name: string }[] = await sql.query('SELECT id, name FROM school_site ORDER BY id');
    await sql.query(
      `INSERT INTO educator_account (email, email_normalized, first_name, last_name, role_code, district_id, created_at, registration_deadline, registered_at)
       VALUES ${Array.from({ length: UPLOADERS }, () => "(?, ?, 'Up', 'Loader', 'SITE_ADMIN', ?, 0, 0, 1)").join(', ')}`,
      Array.from({ length: UPLOADERS }, (_, index) => [`uploader.${index}@example.org`, `uploader.${index}@example.org`, districtId]).flat(),
    );
    const uploaders: { id: number }[] = await sql.query("SELECT id FROM educator_account WHERE email_normalized LIKE 'uploader.%' ORDER BY id");
    await sql.query(
      `INSERT INTO educator_account_site (account_id, school_site_id) VALUES ${uploaders.map(() => '(?, ?)').join(', ')}`,
      uploaders.flatMap((uploader, index) => [uploader.id, sites[index % SITES].id]),
    );
    const batches = Array.from({ length: BATCHES }, (_, index) => [
      sites[index % SITES].id,
      uploaders[index % UPLOADERS].id,
      `file-${index}.csv`,
      index === BATCHES - 1 ? FAILURES : 0,
      index,
    ]);
    await sql.query(
      `INSERT INTO upload_batch (school_site_id, uploaded_by_account_id, file_name, byte_size, dry_run, status, total_rows, records_processed,
         records_created, records_skipped, records_failed, warnings, created_at) VALUES ${batches.map(() => "(?, ?, ?, 100, 0, 'COMPLETED', 100, 100, 0, 0, ?, '[]', ?)").join(', ')}`,
      batches.flat(),
    );
    const [newest]: { id: number }[] = await sql.query('SELECT MAX(id) AS id FROM upload_batch');
    newestBatchSite = sites[(BATCHES - 1) % SITES].name;
    const failures = Array.from({ length: FAILURES }, (_, index) => [newest.id, 2 + index]);
    await sql.query(
      `INSERT INTO upload_failure (batch_id, line_number, code, reason, role_as_written, email, original_cells)
       VALUES ${failures.map(() => "(?, ?, 'INVALID_EMAIL', 'is not a valid email address.', 'Educator', 'nope', '[]')").join(', ')}`,
      failures.flat(),
    );
    newestBatchId = server.application.publicIds.encode('batch', Number(newest.id));
    token = await server.signIn(server.demo.districtAdminEmail);
  });
  after(async () => {
    await server?.close();
  });

  it('when a log page grows from 5 to 100 batches of ever more sites and uploaders, then it takes the same statements (no query per row)', async () => {
    const statements: number[] = [];
    for (const first of [5, 50, 100]) {
      let page: { totalCount: number; nodes: { schoolSite: { name: string }; uploadedBy: { email: string } }[] } | undefined;
      statements.push(
        await statementsOf(server, async () => {
          const response = await server.graphql(LOG_PAGE, { first }, token);
          expect(response.errors, response.text).to.equal(undefined);
          page = response.data.uploadBatches;
        }),
      );
      expect(page!.nodes).to.have.length(first);
      expect(new Set(page!.nodes.map((node) => node.schoolSite.name)).size).to.equal(Math.min(first, SITES));
      expect(new Set(page!.nodes.map((node) => node.uploadedBy.email)).size).to.equal(Math.min(first, UPLOADERS));
    }
    expect(statements[0], `statements for 5, 50 and 100 batches: ${statements.join(', ')}`).to.be.greaterThan(0);
    expect(statements).to.deep.equal([statements[0], statements[0], statements[0]]);
  });

  it('when a page of failed rows grows from 2 to 100 rows, then it takes the same statements', async () => {
    const statements: number[] = [];
    for (const first of [2, FAILURES]) {
      statements.push(
        await statementsOf(server, async () => {
          const response = await server.graphql(FAILURES_PAGE, { id: newestBatchId, first }, token);
          expect(response.errors, response.text).to.equal(undefined);
          expect(response.data.uploadBatch.failures.nodes).to.have.length(first);
          expect(response.data.uploadBatch.failures.nodes[0].schoolName).to.equal(newestBatchSite);
        }),
      );
    }
    expect(statements[0]).to.be.greaterThan(0);
    expect(statements[1], `statements for 2 and ${FAILURES} failures`).to.equal(statements[0]);
  });
});
