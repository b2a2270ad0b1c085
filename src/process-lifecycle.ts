/** On SIGINT or SIGTERM: finish what is in hand (the current chunk commits or rolls back), close, exit. */
export const stopOnSignal = (stop: () => Promise<void>): void => {
  const shutdown = async (): Promise<void> => {
    await stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
};

/** A process that cannot start says why in one line and exits non-zero, without a stack trace. */
export const runProcess = (start: () => Promise<void>): void => {
  start().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
};
