import type { TestServer } from './test-server';

/** Statements one request sends to the database; the background worker is off in tests, so nothing else is counted. */
export const statementsOf = async (server: TestServer, request: () => Promise<unknown>): Promise<number> => {
  const logger = server.application.dataSource.logger;
  const logQuery = logger.logQuery.bind(logger);
  let statements = 0;
  logger.logQuery = (...args) => {
    statements += 1;
    return logQuery(...args);
  };
  try {
    await request();
  } finally {
    logger.logQuery = logQuery;
  }
  return statements;
};
