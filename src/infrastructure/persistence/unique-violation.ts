import { QueryFailedError } from 'typeorm';

/** Unique-key violations from either driver, so repositories can turn them into domain refusals. */
export const isUniqueViolation = (error: unknown): boolean => {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; errno?: number } | undefined;
  return driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE' || driverError?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || driverError?.code === 'ER_DUP_ENTRY' || driverError?.errno === 1062;
};
