import { StatementBatchPool } from '../../src/infrastructure/persistence/data-source';
import type { Statement } from '../../src/infrastructure/persistence/plain-sql';

/** MySQL: the statement-batch pool, keeping each query it was given (its statements), to show what went together. */
export class RecordingStatementBatches extends StatementBatchPool {
  queries: Statement[][] = [];

  override send(statements: Statement[]): Promise<unknown[]> {
    this.queries.push(statements);
    return super.send(statements);
  }
}
