export const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls until `check` returns a value; the deadline only guards against a hung process, it is not what is tested. */
export const waitFor = async <T>(what: string, check: () => Promise<T | undefined>, deadlineMs: number, intervalMs = 20): Promise<T> => {
  const giveUpAt = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > giveUpAt) throw new Error(`Gave up waiting for ${what}`);
    await pause(intervalMs);
  }
};
