import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { anEducatorRow, csvFile, educatorRows } from '../../support/csv-fixtures';
import { PARTNER_HIGH, countRows, readBatch, siteIdsByName, uploadFile } from './upload-kit';

// A name of 60,000 backslashes: far too long (INVALID_NAME), within MAX_ROW_BYTES, and four times as long once its
// cells are stored as JSON and spelled out for SQL (each backslash escaped twice).
const LONG_CELL = '\\'.repeat(60_000);
const LONG_FAILED_ROWS = 100;

describeOnEachDatabase("Statements within the database's packet limit", (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  let siteAdmin: string;

  before(async () => {
    server = await startTestServer(database);
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
  });

  it('when the failed rows of one chunk hold more bytes than max_allowed_packet, then the batch completes, every row counted, every cell kept', async () => {
    const rows = [...educatorRows(5), ...educatorRows(LONG_FAILED_ROWS, 100, { firstName: LONG_CELL }), ...educatorRows(5, 300)];
    const { id } = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(rows) });
    if (database.label === 'MySQL') {
      // The point of the file: one chunk's failures alone, as MySQL receives them, exceed what one statement may have.
      const [{ packet }] = await server.application.dataSource.query('SELECT @@max_allowed_packet AS packet');
      expect(LONG_FAILED_ROWS * LONG_CELL.length * 4).to.be.above(Number(packet));
    }

    expect(await server.processUploads()).to.equal(1);

    const batch = await readBatch(server, siteAdmin, id, 100);
    expect(batch).to.deep.include({ status: 'COMPLETED', totalRows: 110, recordsProcessed: 110, recordsCreated: 10, recordsFailed: LONG_FAILED_ROWS });
    expect(batch.failures.totalCount).to.equal(LONG_FAILED_ROWS);
    expect(new Set(batch.failures.nodes.map((failure) => failure.code))).to.deep.equal(new Set(['INVALID_NAME']));
    const stored: { cells: string }[] = await server.application.dataSource.query('SELECT original_cells AS cells FROM upload_failure ORDER BY line_number');
    expect(stored).to.have.length(LONG_FAILED_ROWS);
    for (const [index, row] of stored.entries()) {
      expect(JSON.parse(row.cells)).to.deep.equal([LONG_CELL, `Last${100 + index}`, `educator${100 + index}@partner-high.example.org`, 'Educator']);
    }
    expect(await countRows(server, 'educator_account WHERE source_batch_id IS NOT NULL')).to.equal(10);
    expect(await countRows(server, "outbox_message WHERE template = 'invitation'")).to.equal(10);
  });

  it('when a file stored in one-megabyte pieces is read back, then every piece fits the packet limit and the rows come back whole', async () => {
    // 3 MB of rows, each row well within MAX_ROW_BYTES, so the stored file spans several pieces.
    const rows = educatorRows(300, 1, { lastName: 'x'.repeat(10_000) }).map((row, index) => (index === 0 ? anEducatorRow(1) : row));
    const { id } = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(rows) });
    const [pieces] = await server.application.dataSource.query('SELECT COUNT(*) AS n, MAX(LENGTH(data)) AS largest FROM upload_file_chunk');
    expect(Number(pieces.n)).to.be.above(2);
    expect(Number(pieces.largest)).to.be.at.most(server.application.uploads.storedChunkBytes);

    await server.processUploads();

    expect(await readBatch(server, siteAdmin, id)).to.deep.include({ status: 'COMPLETED', recordsProcessed: 300, recordsCreated: 1, recordsFailed: 299 });
  });
});

describeOnEachDatabase('Starting against a database whose packet limit is too small', (database) => {
  if (database.label !== 'MySQL') return;

  it('when max_allowed_packet cannot hold the largest failed row MAX_ROW_BYTES allows, then the service refuses to start and says what to change', async () => {
    const [refusal] = await Promise.allSettled([startTestServer(database, { maxRowBytes: 4 * 1024 * 1024 })]);

    expect(refusal.status).to.equal('rejected');
    expect(String((refusal as PromiseRejectedResult).reason)).to.match(/max_allowed_packet is \d+ bytes: .* MAX_ROW_BYTES=4194304 .* Raise max_allowed_packet/);
  });
});
