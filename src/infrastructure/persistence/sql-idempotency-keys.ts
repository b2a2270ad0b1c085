import type { EntityManager } from 'typeorm';
import type { IdempotencyKey, IdempotencyKeys, KeyedRequest, KeyedResult } from '../../application/ports/idempotency-keys';
import { isUniqueViolation } from './database-errors';
import type { IdInSql, Row, Statement } from './plain-sql';

/** A key answers its first result for at least this long; the background cleanup removes it afterwards. */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 60 * 60_000;

type Query = (sql: string, parameters: unknown[]) => Promise<unknown>;

const INSERT_KEY = `INSERT INTO idempotency_key (owner_account_id, idempotency_key, request_digest, created_at, educator_account_id, upload_batch_id)
  VALUES (?, ?, ?, ?, ?, ?)`;
const WHERE_KEY = 'WHERE owner_account_id = ? AND idempotency_key = ?';
const keyParameters = (key: IdempotencyKey): unknown[] => [key.ownerAccountId, key.key];

/** The key's row, naming what lands with it in the same transaction: an account or a batch. */
export const keyInsert = (request: KeyedRequest, at: Date, names: { accountId: IdInSql | null; batchId: number | null }): Statement => ({
  sql: INSERT_KEY,
  params: [...keyParameters(request), request.requestDigest, at.getTime(), names.accountId, names.batchId],
});

/**
 * Statement by statement in the caller's transaction, the key comes first: a key already held then stops the write
 * before anything of it is written (false). The row names nothing until `keyNamesAccount`.
 */
export const claimKey = async (query: Query, request: KeyedRequest, at: Date, batchId: number | null = null): Promise<boolean> => {
  const insert = keyInsert(request, at, { accountId: null, batchId });
  try {
    await query(insert.sql, insert.params);
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
};

export const keyNamesAccount = (query: Query, key: IdempotencyKey, accountId: number): Promise<unknown> =>
  query(`UPDATE idempotency_key SET educator_account_id = ? ${WHERE_KEY}`, [accountId, ...keyParameters(key)]);

/** A claimed key whose write was refused after all (a taken email) leaves with it. */
export const releaseKey = (query: Query, key: IdempotencyKey): Promise<unknown> => query(`DELETE FROM idempotency_key ${WHERE_KEY}`, keyParameters(key));

export class SqlIdempotencyKeys implements IdempotencyKeys {
  constructor(private readonly manager: EntityManager) {}

  async find(key: IdempotencyKey): Promise<KeyedResult | null> {
    const sql = `SELECT request_digest, educator_account_id, upload_batch_id FROM idempotency_key ${WHERE_KEY}`;
    const [row]: Row[] = await this.manager.query(sql, keyParameters(key));
    if (!row) return null;
    const id = (value: unknown): number | null => (value === null ? null : Number(value));
    return { requestDigest: String(row.request_digest), accountId: id(row.educator_account_id), batchId: id(row.upload_batch_id) };
  }

  /** Keys past their lifetime, by the index on created_at. */
  async prune(now: Date): Promise<void> {
    await this.manager.query('DELETE FROM idempotency_key WHERE created_at < ?', [now.getTime() - IDEMPOTENCY_KEY_LIFETIME_MS]);
  }
}
