import { expect } from 'chai';
import { readRowsInGroups, type ReadRows } from '../../../src/infrastructure/persistence/grouped-reads';
import { EducatorAccountRecord, SchoolSiteRecord } from '../../../src/infrastructure/persistence/records/records';
import { SqlEducatorAccountRepository } from '../../../src/infrastructure/persistence/sql-educator-account-repository';
import { SqlSchoolSiteRepository } from '../../../src/infrastructure/persistence/sql-school-site-repository';
import { describeOnEachDatabase } from '../../support/databases';
import { RecordingStatementBatches } from '../../support/recording-statement-batches';
import { startTestServer, type TestServer } from '../../support/test-server';

describeOnEachDatabase('Reads that concurrent requests share', (database) => {
  let server: TestServer;
  let statementBatches: RecordingStatementBatches;
  let reads: ReadRows;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(() => {
    statementBatches = new RecordingStatementBatches(server.application.dataSource);
    reads = readRowsInGroups(server.application.dataSource, statementBatches);
  });
  afterEach(async () => {
    await statementBatches.close();
  });
  after(async () => {
    await server?.close();
  });

  it('when accounts and sites are read at the same moment, then each reader gets exactly the rows it asked for', async () => {
    const dataSource = server.application.dataSource;
    const accountRows = await dataSource.getRepository(EducatorAccountRecord).find({ order: { id: 'ASC' } });
    const siteRows = await dataSource.getRepository(SchoolSiteRecord).find({ order: { id: 'ASC' } });
    const accounts = new SqlEducatorAccountRepository(dataSource.manager, reads);
    const sites = new SqlSchoolSiteRepository(reads);

    const [readAccounts, readSites] = await Promise.all([
      Promise.all(accountRows.map((row) => accounts.findById(row.id))),
      Promise.all(siteRows.map((row) => sites.findById(row.id))),
    ]);

    expect([accountRows.length, siteRows.length].every((count) => count >= 2)).to.equal(true);
    expect(readAccounts.map((account) => account?.email.normalized)).to.deep.equal(accountRows.map((row) => row.emailNormalized));
    expect(readSites.map((site) => site?.name)).to.deep.equal(siteRows.map((row) => row.name));
    if (database.label === 'MySQL') {
      // The first two reads went alone, on the usual pool (two groups may be out at once); everything asked for
      // meanwhile went as one query.
      expect(statementBatches.queries.map((query) => query.length)).to.deep.equal([accountRows.length + siteRows.length - 2]);
    }
  });

  it('when one read of a group fails, then only its reader gets the error and the others their rows', async () => {
    const queries = ['SELECT 1 AS n', 'SELECT 2 AS n', 'SELECT n FROM no_such_table', 'SELECT 4 AS n'].map((sql) => reads(sql, []));

    const [first, second, broken, fourth] = await Promise.all(
      queries.map((query) =>
        query.then(
          (rows) => Number(rows[0].n),
          (error: unknown) => error,
        ),
      ),
    );

    expect([first, second, fourth]).to.deep.equal([1, 2, 4]);
    expect(String(broken)).to.match(/no_such_table/);
    // MySQL: 1 and 2 alone, then 3-4 together, which failed, then each of them alone on the usual pool.
    if (database.label === 'MySQL') expect(statementBatches.queries.map((query) => query.length)).to.deep.equal([2]);
  });
});
