// Loaded by .mocharc.json before every suite: tests talk to the service, not to the terminal.
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
