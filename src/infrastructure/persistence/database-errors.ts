import { QueryFailedError } from 'typeorm';

/** Unique-key violations from either driver (wrapped by TypeORM or not), so repositories can turn them into domain refusals. */
export const isUniqueViolation = (error: unknown): boolean => {
  const driverError = (error instanceof QueryFailedError ? error.driverError : error) as { code?: string; errno?: number } | undefined;
  return (
    driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    driverError?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    driverError?.code === 'ER_DUP_ENTRY' ||
    driverError?.errno === 1062
  );
};

const TRANSIENT_CODES = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_LOCKED',
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
]);

/** Deadlocks (1213), lock wait timeouts (1205), a busy SQLite file or a dropped connection: worth trying again. */
export const isTransientDatabaseError = (error: unknown): boolean => {
  const candidate = (error instanceof QueryFailedError ? error.driverError : error) as { code?: string; errno?: number } | undefined;
  return TRANSIENT_CODES.has(candidate?.code ?? '') || candidate?.errno === 1213 || candidate?.errno === 1205;
};

/** Runs work that rolls back as a whole, again with growing, jittered pauses while it meets transient errors. */
export const retryTransient = async <T>(work: () => Promise<T>, attempts = 5): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientDatabaseError(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt + Math.random() * 25));
    }
  }
};

/**
 * mysql2 marks an error fatal when the connection itself failed (dropped, reset, timed out) rather than a statement:
 * whether a COMMIT sent on it landed is then unknown.
 */
export const isConnectionLost = (error: unknown): boolean => (error as { fatal?: boolean } | undefined)?.fatal === true;
