import { expect } from 'chai';
import type { QueryRunner } from 'typeorm';
import type { ChunkWrites } from '../../../src/application/ports/chunk-writer';
import type { NewAccountRow } from '../../../src/application/ports/upload-batches';
import { INVITATION_SUBJECT } from '../../../src/domain/educator/invitation';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { chunkWrites, claimBatchForChunks, type ClaimedForChunks } from './chunk-kit';

const account = (n: number): NewAccountRow => ({
  firstName: `Zoë ${n}`,
  lastName: "O'Brien\\Tab",
  email: `Chunk.Person${n}@Example.org`,
  emailNormalized: `chunk.person${n}@example.org`,
  roleCode: 'EDUCATOR',
});

describeOnEachDatabase("A worker's chunk written in one fenced transaction", (database) => {
  let server: TestServer;
  let siteId: number;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    siteId = server.demo.siteIds[0];
  });
  after(async () => {
    await server.close();
  });

  const claimBatch = () => claimBatchForChunks(server);
  const chunkOf = (batch: ClaimedForChunks, creates: NewAccountRow[], recordsProcessedBefore = 0): ChunkWrites =>
    chunkWrites(server, batch, creates, recordsProcessedBefore);

  const written = (emails: string[]) =>
    server.application.dataSource.query(
      `SELECT a.id, a.email, a.first_name, a.last_name, a.source_batch_id, m.school_site_id, o.account_id AS invited, o.recipient, o.subject, o.body
       FROM educator_account a LEFT JOIN educator_account_site m ON m.account_id = a.id LEFT JOIN outbox_message o ON o.account_id = a.id
       WHERE a.email_normalized IN (${emails.map(() => '?').join(',')}) ORDER BY a.id`,
      emails,
    );

  const expectWritten = async (batchId: number, rows: NewAccountRow[]): Promise<void> => {
    const found = await written(rows.map((row) => row.emailNormalized));
    expect(
      found.map((row: Record<string, unknown>) => [
        row.email,
        row.first_name,
        row.last_name,
        Number(row.source_batch_id),
        Number(row.school_site_id),
        row.recipient,
        row.subject,
        row.body,
      ]),
    ).to.deep.equal(
      rows.map((row) => [
        row.email,
        row.firstName,
        row.lastName,
        batchId,
        siteId,
        row.email,
        INVITATION_SUBJECT,
        JSON.stringify({ placeName: 'Demo Partner High' }),
      ]),
    );
    for (const row of found) expect(Number(row.invited)).to.equal(Number(row.id));
  };

  it('when a chunk of new accounts is committed, then each account, its site membership and its invitation (pointing at it) are written exactly', async () => {
    const transaction = server.application.uploadPersistence.chunkTransaction;
    const batch = await claimBatch();
    const rows = [account(1), account(2), account(3)];

    expect(await transaction.write(chunkOf(batch, rows))).to.equal('committed');

    await expectWritten(batch.batchId, rows);
    const [progress] = await server.application.dataSource.query('SELECT records_processed, records_created FROM upload_batch WHERE id = ?', [batch.batchId]);
    expect([Number(progress.records_processed), Number(progress.records_created)]).to.deep.equal([3, 3]);
  });

  it('when one email of the chunk was taken since the look-up, then the chunk reports the race and writes nothing at all', async () => {
    const transaction = server.application.uploadPersistence.chunkTransaction;
    const batch = await claimBatch();
    const rows = [account(1), account(2), account(3)];
    const outboxBefore = await server.application.dataSource.query('SELECT COUNT(*) AS n FROM outbox_message');
    await server.application.dataSource.query(
      "INSERT INTO educator_account (email, email_normalized, first_name, last_name, role_code, district_id, created_at, registration_deadline) VALUES (?, ?, 'Taken', 'Meanwhile', 'EDUCATOR', ?, 0, 0)",
      [rows[1].email, rows[1].emailNormalized, server.demo.districtId],
    );

    expect(await transaction.write(chunkOf(batch, rows))).to.equal('email-race');

    expect((await written(rows.map((row) => row.emailNormalized))).map((row: Record<string, unknown>) => row.email)).to.deep.equal([rows[1].email]);
    expect(await server.application.dataSource.query('SELECT COUNT(*) AS n FROM outbox_message')).to.deep.equal(outboxBefore);
    const [progress] = await server.application.dataSource.query('SELECT records_processed FROM upload_batch WHERE id = ?', [batch.batchId]);
    expect(Number(progress.records_processed)).to.equal(0);
  });

  it('when another worker has taken the batch over, then the chunk reports the lost lease and writes nothing at all', async () => {
    const transaction = server.application.uploadPersistence.chunkTransaction;
    const batch = await claimBatch();
    const rows = [account(1), account(2)];
    const outboxBefore = await server.application.dataSource.query('SELECT COUNT(*) AS n FROM outbox_message');
    await server.application.dataSource.query("UPDATE upload_batch SET lease_owner = 'another-worker' WHERE id = ?", [batch.batchId]);

    expect(await transaction.write(chunkOf(batch, rows))).to.equal('lease-lost');

    expect(await written(rows.map((row) => row.emailNormalized))).to.deep.equal([]);
    expect(await server.application.dataSource.query('SELECT COUNT(*) AS n FROM outbox_message')).to.deep.equal(outboxBefore);
  });

  it('when the same chunk is written again after it landed (its answer was lost), then it counts as committed and nothing is written twice', async () => {
    const transaction = server.application.uploadPersistence.chunkTransaction;
    const batch = await claimBatch();
    const rows = [account(1), account(2)];
    expect(await transaction.write(chunkOf(batch, rows))).to.equal('committed');

    expect(await transaction.write(chunkOf(batch, rows))).to.equal('committed');

    await expectWritten(batch.batchId, rows);
  });

  const progressOf = async (batchId: number): Promise<number[]> => {
    const [progress] = await server.application.dataSource.query('SELECT records_processed, records_created FROM upload_batch WHERE id = ?', [batchId]);
    return [Number(progress.records_processed), Number(progress.records_created)];
  };

  it('when a chunk arrives before the chunk before it has landed, then it writes nothing and says so; once that one lands, it lands after it', async () => {
    const transaction = server.application.uploadPersistence.chunkTransaction;
    const batch = await claimBatch();
    const first = [account(1), account(2)];
    const second = [account(3), account(4), account(5)];

    expect(await transaction.write(chunkOf(batch, second, 2))).to.equal('out-of-turn');
    expect(await written(second.map((row) => row.emailNormalized))).to.deep.equal([]);

    expect(await transaction.write(chunkOf(batch, first, 0))).to.equal('committed');
    expect(await transaction.write(chunkOf(batch, second, 2))).to.equal('committed');
    await expectWritten(batch.batchId, [...first, ...second]);
    expect(await progressOf(batch.batchId)).to.deep.equal([5, 5]);
  });

  if (database.label === 'MySQL') {
    /** Plays the chunk before: its progress is moved but not committed, as while its own COMMIT is on its way. */
    const chunkBeforeInFlight = async (batchId: number, rows: number) => {
      const runner = server.application.dataSource.createQueryRunner();
      await runner.startTransaction();
      await runner.query('UPDATE upload_batch SET records_processed = records_processed + ?, records_created = records_created + ? WHERE id = ?', [
        rows,
        rows,
        batchId,
      ]);
      return runner;
    };
    /** Rolls back what is still open, so that a failed test leaves no lock behind for the next one. */
    const endTransaction = async (runner: QueryRunner): Promise<void> => {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    };
    /** The chunk's query waits in the given state: at its fence ('Updating'), or for the chunk before's turn ('User lock'). */
    const waitingFor = async (state: 'Updating' | 'User lock'): Promise<void> => {
      const statement = state === 'Updating' ? 'UPDATE upload_batch SET records_processed = records_processed + %' : 'DO GET_LOCK(%';
      for (let tries = 0; ; tries += 1) {
        const [waiting] = await server.application.dataSource.query(
          'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE STATE = ? AND INFO LIKE ?',
          [state, statement],
        );
        if (Number(waiting.n) > 0) return;
        if (tries > 400) throw new Error(`the chunk never waited in state ${state}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };

    it('when a chunk is written while the chunk before it is still committing, then its rows wait at the fence and land right after that commit', async () => {
      const transaction = server.application.uploadPersistence.chunkTransaction;
      const batch = await claimBatch();
      const rows = [account(6), account(7)];
      const before = await chunkBeforeInFlight(batch.batchId, 4);

      const commit = transaction.write(chunkOf(batch, rows, 4));
      try {
        await waitingFor('Updating');
        expect(await written(rows.map((row) => row.emailNormalized))).to.deep.equal([]);
        await before.commitTransaction();
      } finally {
        await endTransaction(before);
      }

      expect(await commit).to.equal('committed');
      await expectWritten(batch.batchId, rows);
      expect(await progressOf(batch.batchId)).to.deep.equal([6, 6]);
    });

    it('when the chunk before it has not reached its own fence yet, then a chunk waits for it to land instead of being refused', async () => {
      const transaction = server.application.uploadPersistence.chunkTransaction;
      const batch = await claimBatch();
      const rows = [account(10), account(11)];
      // The chunk before (places 0–4) is still writing its rows: it holds its turn and has not moved the batch's row.
      const before = server.application.dataSource.createQueryRunner();
      const [held] = await before.query("SELECT GET_LOCK(CONCAT(DATABASE(), '.upload-', ?, '-at-', ?), 0) AS held", [batch.batchId, 4]);
      expect(Number(held.held)).to.equal(1);
      try {
        const commit = transaction.write(chunkOf(batch, rows, 4));
        await waitingFor('User lock');
        await before.query('UPDATE upload_batch SET records_processed = 4, records_created = 4 WHERE id = ?', [batch.batchId]);
        await before.query("DO RELEASE_LOCK(CONCAT(DATABASE(), '.upload-', ?, '-at-', ?))", [batch.batchId, 4]);

        expect(await commit).to.equal('committed');
      } finally {
        await before.release();
      }
      await expectWritten(batch.batchId, rows);
      expect(await progressOf(batch.batchId)).to.deep.equal([6, 6]);
    });

    it('when the chunk before it rolls back, then a chunk waiting at the fence writes nothing and is told it is out of turn', async () => {
      const transaction = server.application.uploadPersistence.chunkTransaction;
      const batch = await claimBatch();
      const rows = [account(8), account(9)];
      const outboxBefore = await server.application.dataSource.query('SELECT COUNT(*) AS n FROM outbox_message');
      const before = await chunkBeforeInFlight(batch.batchId, 4);

      const commit = transaction.write(chunkOf(batch, rows, 4));
      try {
        await waitingFor('Updating');
      } finally {
        await endTransaction(before);
      }

      expect(await commit).to.equal('out-of-turn');
      expect(await written(rows.map((row) => row.emailNormalized))).to.deep.equal([]);
      expect(await server.application.dataSource.query('SELECT COUNT(*) AS n FROM outbox_message')).to.deep.equal(outboxBefore);
      expect(await progressOf(batch.batchId)).to.deep.equal([0, 0]);
    });
  }
});
