import type { DataSource } from 'typeorm';
import type { ChunkWrites } from '../../application/ports/chunk-writer';
import type { ChunkMetrics } from '../metrics/service-metrics';
import {
  ACCOUNT_INSERT,
  copiedToMembershipsAndInvitations,
  failureStatements,
  fenceStatement,
  logChangedStatement,
  NEW_ACCOUNT_COLUMN_COUNT,
  newAccountValues,
  placeholders,
  recreatedById,
  recreateStatements,
  whyFenceRefused,
  type ChunkCommit,
} from './chunk-statements';
import { retriedAndMeasured, type ChunkTransaction } from './chunk-transaction';
import { isUniqueViolation } from './database-errors';
import { insertedId } from './plain-sql';

/** The fence did not hold: roll back, write nothing. */
class FenceRefused extends Error {
  constructor(readonly outcome: 'lease-lost' | 'out-of-turn') {
    super(outcome);
  }
}

/** SQLite runs in this process: there are no round trips to save, each statement runs on its own, the fence first. */
export class SqliteChunkTransaction implements ChunkTransaction {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: ChunkMetrics,
  ) {}

  write(writes: ChunkWrites): Promise<ChunkCommit> {
    return retriedAndMeasured(this.metrics, writes, () => this.writeStatementByStatement(writes));
  }

  private async writeStatementByStatement(writes: ChunkWrites): Promise<ChunkCommit> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const runner = manager.queryRunner!;
        const fence = fenceStatement(writes);
        const fenced = await runner.query(fence.sql, fence.params, true);
        if (fenced.affected !== 1) {
          const refusal = await whyFenceRefused(writes, (sql, params) => runner.query(sql, params));
          if (refusal === 'committed') return refusal;
          throw new FenceRefused(refusal);
        }
        if (writes.creates.length > 0) {
          // SQLite takes the values as they are, however long: no packet to fit them in.
          const insert = `${ACCOUNT_INSERT} ${placeholders(writes.creates.length, NEW_ACCOUNT_COLUMN_COUNT)}`;
          const inserted = await runner.query(insert, writes.creates.flatMap(newAccountValues(writes)), true);
          const lastId = insertedId(inserted.raw);
          for (const statement of copiedToMembershipsAndInvitations(writes, {
            where: 'id BETWEEN ? AND ?',
            params: [lastId - writes.creates.length + 1, lastId],
          })) {
            await runner.query(statement.sql, statement.params);
          }
        }
        for (const statement of recreateStatements(writes)) await runner.query(statement.sql, statement.params);
        if (writes.recreates.length > 0) {
          for (const statement of copiedToMembershipsAndInvitations(writes, recreatedById(writes))) await runner.query(statement.sql, statement.params);
        }
        for (const statement of [...failureStatements(writes), logChangedStatement(writes)]) await runner.query(statement.sql, statement.params);
        return 'committed' as const;
      });
    } catch (error) {
      if (error instanceof FenceRefused) return error.outcome;
      if (isUniqueViolation(error)) return 'email-race';
      throw error;
    }
  }

  async close(): Promise<void> {}
}
