import { expect } from 'chai';
import type { ChunkRun, ChunkToWrite, ChunkWrites, HandedChunk } from '../../../src/application/ports/chunk-writer';
import type { NewAccountRow } from '../../../src/application/ports/upload-batches';
import type { PipelinedChunkState } from '../../../src/infrastructure/persistence/pipelined-mysql-chunk-writer';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { chunkWrites, claimBatchForChunks, type ClaimedForChunks } from './chunk-kit';

const account = (n: number): NewAccountRow => ({
  firstName: `Writer ${n}`,
  lastName: 'Chunk',
  email: `writer.${n}@example.org`,
  emailNormalized: `writer.${n}@example.org`,
  roleCode: 'EDUCATOR',
});

describeOnEachDatabase("The chunk writer: a batch's chunks land in file order, each right after the one before it", (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server.close();
  });

  const sql = (text: string, params: unknown[] = []) => server.application.dataSource.query(text, params);

  const claimBatch = () => claimBatchForChunks(server, 10);

  /** A chunk of new accounts at `start`; planned again, it skips the rows whose emails have accounts. */
  const chunkOf = (
    batch: ClaimedForChunks,
    rows: NewAccountRow[],
    start: number,
    planAgain?: ChunkToWrite['planAgain'],
  ): ChunkToWrite & { replans: string[] } => {
    const writesOf = (creates: NewAccountRow[]): ChunkWrites => chunkWrites(server, batch, creates, start, rows.length);
    const replans: string[] = [];
    return {
      writes: writesOf(rows),
      replans,
      planAgain:
        planAgain ??
        (async (because) => {
          replans.push(because);
          const taken: { email_normalized: string }[] = await sql(
            `SELECT email_normalized FROM educator_account WHERE email_normalized IN (${rows.map(() => '?').join(',')})`,
            rows.map((row) => row.emailNormalized),
          );
          return writesOf(rows.filter((row) => !taken.some((found) => found.email_normalized === row.emailNormalized)));
        }),
    };
  };

  const handed = (answer: HandedChunk | 'lease-lost'): HandedChunk => {
    if (answer === 'lease-lost') throw new Error('the chunk was not handed over');
    return answer;
  };

  const progressOf = async (batchId: number): Promise<number[]> => {
    const [progress] = await sql('SELECT records_processed, records_created, records_skipped FROM upload_batch WHERE id = ?', [batchId]);
    return [Number(progress.records_processed), Number(progress.records_created), Number(progress.records_skipped)];
  };

  const accountsOfBatch = async (batchId: number): Promise<string[]> =>
    (await sql('SELECT email FROM educator_account WHERE source_batch_id = ? ORDER BY email', [batchId])).map((row: { email: string }) => row.email);

  it('when chunks are handed over one after another, then each lands, and the progress is their counts added up', async () => {
    const batch = await claimBatch();
    const run = server.application.uploadPersistence.chunkWriter.startRun();

    const first = handed(await run.hand(chunkOf(batch, [account(1), account(2)], 0)));
    const second = handed(await run.hand(chunkOf(batch, [account(3)], 2)));

    expect([await first.landing, await second.landing]).to.deep.equal(['landed', 'landed']);
    expect(await progressOf(batch.batchId)).to.deep.equal([3, 3, 0]);
    expect(await accountsOfBatch(batch.batchId)).to.deep.equal(['writer.1@example.org', 'writer.2@example.org', 'writer.3@example.org']);
  });

  it('when an email of a chunk has an account, then the writer has the chunk planned again, and the chunk after it lands after it with its own counts', async () => {
    const batch = await claimBatch();
    await sql(
      "INSERT INTO educator_account (email, email_normalized, first_name, last_name, role_code, district_id, created_at, registration_deadline) VALUES (?, ?, 'Taken', 'Before', 'EDUCATOR', ?, 0, 0)",
      [account(1).email, account(1).emailNormalized, server.demo.districtId],
    );
    const run = server.application.uploadPersistence.chunkWriter.startRun();
    const raced = chunkOf(batch, [account(1), account(2)], 0);

    const first = handed(await run.hand(raced));
    const second = handed(await run.hand(chunkOf(batch, [account(3), account(4)], 2)));

    expect([await first.landing, await second.landing]).to.deep.equal(['landed', 'landed']);
    expect(raced.replans).to.deep.equal(['email-race']);
    expect(await progressOf(batch.batchId)).to.deep.equal([4, 3, 1]);
    expect(await accountsOfBatch(batch.batchId)).to.deep.equal(['writer.2@example.org', 'writer.3@example.org', 'writer.4@example.org']);
  });

  it('when another worker has taken the batch over, then the chunk does not land, and no chunk after it is handed over', async () => {
    const batch = await claimBatch();
    await sql("UPDATE upload_batch SET lease_owner = 'another-worker' WHERE id = ?", [batch.batchId]);
    const run = server.application.uploadPersistence.chunkWriter.startRun();

    const first = handed(await run.hand(chunkOf(batch, [account(1)], 0)));
    expect(await first.landing).to.equal('lease-lost');

    expect(await run.hand(chunkOf(batch, [account(2)], 1))).to.equal('lease-lost');
    expect(await accountsOfBatch(batch.batchId)).to.deep.equal([]);
  });

  it('when planning a chunk again fails, then it and the chunk after it end with that error, and neither lands', async () => {
    const batch = await claimBatch();
    await sql(
      "INSERT INTO educator_account (email, email_normalized, first_name, last_name, role_code, district_id, created_at, registration_deadline) VALUES (?, ?, 'Taken', 'Before', 'EDUCATOR', ?, 0, 0)",
      [account(1).email, account(1).emailNormalized, server.demo.districtId],
    );
    const run = server.application.uploadPersistence.chunkWriter.startRun();
    const first = handed(await run.hand(chunkOf(batch, [account(1)], 0, () => Promise.reject(new Error('kept racing')))));
    const second = run.hand(chunkOf(batch, [account(2)], 1)).then((answer) => handed(answer).landing);

    const outcomes = await Promise.allSettled([first.landing, second]);

    expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as Error).message : outcome.value))).to.deep.equal([
      'kept racing',
      'kept racing',
    ]);
    expect(await progressOf(batch.batchId)).to.deep.equal([0, 0, 0]);
    expect(await accountsOfBatch(batch.batchId)).to.deep.equal([]);
  });

  if (database.label === 'MySQL') {
    /** Holds the batch's row, as a slow commit of the chunk before would: every fence waits. */
    const holdBatchRow = async (batchId: number) => {
      const runner = server.application.dataSource.createQueryRunner();
      await runner.startTransaction();
      await runner.query('SELECT id FROM upload_batch WHERE id = ? FOR UPDATE', [batchId]);
      return async () => {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      };
    };
    const statesOf = (run: ChunkRun): PipelinedChunkState[] => (run as unknown as { states: PipelinedChunkState[] }).states;
    /** Until `count` chunk queries wait in the database: at the fence ('Updating') or for the chunk before's turn ('User lock'). */
    const waitingInDatabase = async (count: number): Promise<void> => {
      for (let tries = 0; ; tries += 1) {
        const [waiting] = await sql(
          "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE (STATE = 'Updating' AND INFO LIKE 'UPDATE upload_batch SET records_processed = records_processed + %') OR (STATE = 'User lock' AND INFO LIKE 'DO GET_LOCK(%')",
        );
        if (Number(waiting.n) >= count) return;
        if (tries > 400) throw new Error(`fewer than ${count} chunks ever waited in the database`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };

    it('when a chunk is handed over while the one before it is still being written, then both are in flight at once and it lands right after that one', async () => {
      const batch = await claimBatch();
      const run = server.application.uploadPersistence.chunkWriter.startRun();
      const release = await holdBatchRow(batch.batchId);
      let first: HandedChunk;
      let second: HandedChunk;
      try {
        first = handed(await run.hand(chunkOf(batch, [account(1), account(2)], 0)));
        second = handed(await run.hand(chunkOf(batch, [account(3), account(4), account(5)], 2)));
        await waitingInDatabase(2);
        expect(statesOf(run)).to.deep.equal(['writing', 'writing']);
        expect(await progressOf(batch.batchId)).to.deep.equal([0, 0, 0]);
      } finally {
        await release();
      }

      expect([await first.landing, await second.landing]).to.deep.equal(['landed', 'landed']);
      expect(statesOf(run)).to.deep.equal(['landed', 'landed']);
      expect(await progressOf(batch.batchId)).to.deep.equal([5, 5, 0]);
    });

    it('when two chunks are in flight, then a third is handed over only once the first has landed', async () => {
      const batch = await claimBatch();
      const run = server.application.uploadPersistence.chunkWriter.startRun();
      const release = await holdBatchRow(batch.batchId);
      let third: Promise<HandedChunk | 'lease-lost'>;
      let thirdHanded = false;
      try {
        handed(await run.hand(chunkOf(batch, [account(1)], 0)));
        handed(await run.hand(chunkOf(batch, [account(2)], 1)));
        third = run.hand(chunkOf(batch, [account(3)], 2));
        void third.then(() => (thirdHanded = true));
        await waitingInDatabase(2);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(thirdHanded).to.equal(false);
      } finally {
        await release();
      }

      expect(await handed(await third).landing).to.equal('landed');
      expect(await progressOf(batch.batchId)).to.deep.equal([3, 3, 0]);
    });
  }
});
