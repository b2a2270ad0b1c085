export type Log = (message: string, details?: Record<string, unknown>) => void;

/** One JSON object per line on stdout, easy to grep and to ship; LOG_LEVEL=silent quiets tests. */
export const createLog = (env: NodeJS.ProcessEnv = process.env): Log => {
  if (env.LOG_LEVEL === 'silent') return () => undefined;
  return (message, details = {}) => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), message, ...details })}\n`);
  };
};
