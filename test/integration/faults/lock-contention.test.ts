import { expect } from 'chai';
import type { PoolConnection } from 'mysql2/promise';
import { manyEducatorsCsv } from '../../support/csv-fixtures';
import {
  DEMO_DISTRICT_ADMIN_EMAIL,
  DEMO_SITE_ADMIN_EMAIL,
  accountsWithoutExactlyOneInvitation,
  describeAgainstMariaDb,
  duplicateAccounts,
  openFaultEnvironment,
  pause,
  siteIdsByName,
  waitFor,
  type Api,
  type FaultEnvironment,
  type Service,
} from './fault-kit';

const ROWS = 3_000;
const BALLAST_ROWS = 5_000;

describeAgainstMariaDb('A worker process meeting a deadlock and a lock wait on MariaDB', () => {
  let environment: FaultEnvironment;
  let api: Api;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('locks');
    api = await environment.startApi();
    await environment.rows('CREATE TABLE fault_ballast (id INT AUTO_INCREMENT PRIMARY KEY, filler VARCHAR(40) NOT NULL)');
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  /**
   * Whether a transaction is waiting for a lock on the table, as InnoDB's own status tells (information_schema.innodb_trx
   * did not reliably list the worker's waiting transaction on MariaDB 10.11).
   */
  const someoneWaitsOn = async (table: string): Promise<true | undefined> => {
    const [[{ Status: status }]] = (await environment.pool.query('SHOW ENGINE INNODB STATUS')) as unknown as [[{ Status: string }]];
    const waiting = new RegExp(`TRX HAS BEEN WAITING [^\\n]*\\n[^\\n]* of table \`${environment.databaseName}\`\\.\`${table}\``);
    return waiting.test(status) ? true : undefined;
  };

  it('when another transaction deadlocks with a chunk and then holds the emails of the chunk for two seconds, then the chunk is retried inside the worker and the batch completes with every row settled once', async function () {
    this.timeout(120_000);
    const token = await api.signIn(DEMO_SITE_ADMIN_EMAIL);
    const siteId = (await siteIdsByName(api, await api.signIn(DEMO_DISTRICT_ADMIN_EMAIL)))['Demo Partner High'];
    const uploaded = await api.upload(token, { schoolSiteId: siteId, content: manyEducatorsCsv(ROWS, 'locked.example.org'), fileName: 'locked.csv' });
    expect(uploaded.errors, uploaded.text).to.equal(undefined);
    const batchId = environment.publicIds.decode('batch', uploaded.data.uploadEducatorAccounts.batch.id)!;

    const holder: PoolConnection = await environment.pool.getConnection();
    let worker: Service | undefined;
    try {
      await holder.query('BEGIN');
      // InnoDB rolls back the transaction that has written less: this one writes thousands of rows so the worker's chunk is the victim.
      await holder.query(
        `INSERT INTO fault_ballast (filler) VALUES ${new Array(BALLAST_ROWS).fill('(?)').join(',')}`,
        Array.from({ length: BALLAST_ROWS }, (_, index) => `ballast ${index}`),
      );
      // Next-key locks over every site membership: the worker's first chunk writes its accounts, then waits here to add
      // their memberships (its rows come before its lease fence).
      await holder.query('SELECT account_id FROM educator_account_site FOR UPDATE');

      worker = environment.startWorker({ UPLOAD_CHUNK_ROWS: '100' });
      await environment.waitFor("the worker's chunk to wait for the held lock", () => someoneWaitsOn('educator_account_site'), 30_000, 10);
      // Now each waits for the other: InnoDB detects the deadlock and rolls the worker's chunk back with 1213, which is
      // the only way this statement can lock the accounts the chunk has just written.
      await holder.query("SELECT id FROM educator_account WHERE email_normalized >= 'person' FOR UPDATE");
      const [[{ Status: status }]] = (await holder.query('SHOW ENGINE INNODB STATUS')) as unknown as [[{ Status: string }]];
      const latestDeadlock = /LATEST DETECTED DEADLOCK([\s\S]*?)\n-+\nTRANSACTIONS/.exec(status)?.[1] ?? '';
      expect(latestDeadlock).to.include(`\`${environment.databaseName}\`.\`educator_account_site\``);

      // The retried chunk now waits for the emails this transaction holds (a lock wait well under innodb_lock_wait_timeout).
      await waitFor('the retried chunk to wait for the held emails', () => someoneWaitsOn('educator_account'), 30_000, 10);
      await pause(2000);
      expect((await environment.batch(batchId)).processed, 'nothing was committed while the emails were held').to.equal(0);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }

    const done = await environment.completed(batchId, 'the worker to complete the batch', 60_000);
    await worker.stop();

    expect(done).to.deep.equal({ status: 'COMPLETED', totalRows: ROWS, processed: ROWS, created: ROWS, skipped: 0, failed: 0 });
    expect(await environment.count('educator_account WHERE source_batch_id = ?', [batchId])).to.equal(ROWS);
    expect(await duplicateAccounts(environment)).to.deep.equal([]);
    expect(await accountsWithoutExactlyOneInvitation(environment)).to.deep.equal([]);
    expect(await environment.count('upload_failure')).to.equal(0);
    // The deadlock was absorbed by the chunk's own retry: the batch as a whole never failed and was never given up.
    expect(worker.output.join('')).to.not.include('Upload processing failed');
  });
});
