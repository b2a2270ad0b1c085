import type { DataSource } from 'typeorm';
import type { ChunkWriter } from '../../application/ports/chunk-writer';
import type { ChunkMetrics } from '../metrics/service-metrics';
import type { ChunkTransaction } from './chunk-transaction';
import { dialectOf } from './data-source';
import { MySqlChunkTransaction } from './mysql-chunk-transaction';
import { PipelinedMySqlChunkWriter } from './pipelined-mysql-chunk-writer';
import type { Row } from './plain-sql';
import { SequentialChunkWriter } from './sequential-chunk-writer';
import { largestFailureBytes, PACKET_OVERHEAD_BYTES } from './sized-statements';
import { SqlCheckFollowUps } from './sql-check-follow-ups';
import { SqlExistingAccounts } from './sql-existing-accounts';
import { SqlUploadBatchQueue } from './sql-upload-batch-queue';
import { SqlUploadFileInbox } from './sql-upload-file-inbox';
import { SqlUploadLogReader } from './sql-upload-log-reader';
import { SqlUploadTakeBack } from './sql-upload-take-back';
import { SqliteChunkTransaction } from './sqlite-chunk-transaction';

/** The upload wing's stores over one data source, each doing one job. */
export interface UploadPersistence {
  inbox: SqlUploadFileInbox;
  queue: SqlUploadBatchQueue;
  log: SqlUploadLogReader;
  takeBack: SqlUploadTakeBack;
  existingAccounts: SqlExistingAccounts;
  /** What follows a finished check: corrections of its rows, and the run that creates its accounts. */
  checkFollowUps: SqlCheckFollowUps;
  /** One chunk's fenced transaction, as the chunk writer sends it. */
  chunkTransaction: ChunkTransaction;
  chunkWriter: ChunkWriter;
  close(): Promise<void>;
}

/**
 * Reads the server's max_allowed_packet once (MySQL), for sizing every statement by bytes, and refuses to start when
 * it cannot hold the largest failed row a file within `maxRowBytes` may have.
 */
const statementBytesOf = async (dataSource: DataSource, maxRowBytes: number): Promise<number> => {
  if (dialectOf(dataSource) !== 'mysql') return Number.POSITIVE_INFINITY;
  const [row]: Row[] = await dataSource.query('SELECT @@max_allowed_packet AS packet');
  const statementBytes = Number(row.packet) - PACKET_OVERHEAD_BYTES;
  const needed = largestFailureBytes(maxRowBytes);
  if (statementBytes < needed) {
    throw new Error(
      `The database's max_allowed_packet is ${Number(row.packet)} bytes: a failed row of a file within MAX_ROW_BYTES=${maxRowBytes} may need ` +
        `${needed + PACKET_OVERHEAD_BYTES}. Raise max_allowed_packet to at least that, or lower MAX_ROW_BYTES.`,
    );
  }
  return statementBytes;
};

export const openUploadPersistence = async (dataSource: DataSource, maxRowBytes: number, metrics: ChunkMetrics): Promise<UploadPersistence> => {
  const statementBytes = await statementBytesOf(dataSource, maxRowBytes);
  let chunkTransaction: ChunkTransaction;
  let chunkWriter: ChunkWriter;
  if (dialectOf(dataSource) === 'mysql') {
    const mysql = new MySqlChunkTransaction(dataSource, statementBytes, metrics);
    [chunkTransaction, chunkWriter] = [mysql, new PipelinedMySqlChunkWriter(mysql)];
  } else {
    chunkTransaction = new SqliteChunkTransaction(dataSource, metrics);
    chunkWriter = new SequentialChunkWriter(chunkTransaction);
  }
  return {
    inbox: new SqlUploadFileInbox(dataSource, statementBytes),
    queue: new SqlUploadBatchQueue(dataSource),
    log: new SqlUploadLogReader(dataSource),
    takeBack: new SqlUploadTakeBack(dataSource),
    existingAccounts: new SqlExistingAccounts(dataSource, statementBytes),
    checkFollowUps: new SqlCheckFollowUps(dataSource),
    chunkTransaction,
    chunkWriter,
    close: () => chunkTransaction.close(),
  };
};
