/** Every setting comes from the environment; README.md lists them with these defaults. */
export interface Config {
  production: boolean;
  port: number;
  databaseUrl: string | undefined;
  jwtSecret: string;
  tokenLifetimeSeconds: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  mailOutboxDir: string;
  worker: boolean;
  mailDelivery: boolean;
  introspection: boolean;
  trustProxy: boolean;
  maxUploadBytes: number;
  maxUploadRows: number;
  maxRowBytes: number;
  uploadChunkRows: number;
  maxQueuedBatchesPerSite: number;
  apiProcesses: number;
  /** A connection with no byte in or out for this long is closed; a live upload, however slow, is never cut. */
  idleTimeoutSeconds: number;
  /** How long a client has to send its request headers. */
  headersTimeoutSeconds: number;
  /** How long a JSON body has to arrive; an upload has no such budget. */
  jsonBodyTimeoutSeconds: number;
}

export const DEMO_PASSWORD = 'demo-password-change-me';
const DEVELOPMENT_SECRET = 'development-only-secret-do-not-use-in-production';
/** Values this project publishes: whoever read the code or the docs could sign a District Admin's token with them. */
export const PUBLISHED_SECRETS = [DEVELOPMENT_SECRET, DEMO_PASSWORD] as const;

const MIN_SECRET_LENGTH = 32;
// Of 16 random bytes written in hex, fewer than one in a million use fewer distinct characters.
const MIN_DISTINCT_SECRET_CHARACTERS = 8;

/** Why `secret` must not sign tokens in production, if it must not; the reason never quotes the secret. */
export const weakSecretReason = (secret: string): string | undefined => {
  if (secret === '') return 'is not set';
  if (secret.length < MIN_SECRET_LENGTH) return `is shorter than ${MIN_SECRET_LENGTH} characters`;
  const lower = secret.toLowerCase();
  if (PUBLISHED_SECRETS.some((published) => lower.includes(published.toLowerCase()))) return "holds a value published in this project's code or docs";
  if (new Set(secret).size < MIN_DISTINCT_SECRET_CHARACTERS) return `uses fewer than ${MIN_DISTINCT_SECRET_CHARACTERS} distinct characters`;
  if (repeatsAUnit(secret)) return 'repeats a shorter piece';
  return undefined;
};

/** "abcabcabc…": the string is some shorter piece written again and again. */
const repeatsAUnit = (text: string): boolean => {
  for (let unit = 1; unit <= text.length / 2; unit += 1) if (text.slice(unit) === text.slice(0, -unit)) return true;
  return false;
};

const integer = (env: NodeJS.ProcessEnv, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new Error(`${name} must be a positive whole number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, got "${raw}"`);
  }
  return value;
};

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const production = env.NODE_ENV === 'production';
  const jwtSecret = env.JWT_SECRET ?? (production ? '' : DEVELOPMENT_SECRET);
  const weakness = production ? weakSecretReason(jwtSecret) : undefined;
  if (weakness) {
    const advice = `in production set it to at least ${MIN_SECRET_LENGTH} random characters (for example the output of \`openssl rand -base64 48\`)`;
    throw new Error(`JWT_SECRET ${weakness}: ${advice}.`);
  }
  return {
    production,
    port: integer(env, 'PORT', 4000),
    databaseUrl: env.DATABASE_URL || undefined,
    jwtSecret,
    tokenLifetimeSeconds: integer(env, 'TOKEN_LIFETIME_SECONDS', 3600),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'Educator Accounts <no-reply@educator-accounts.invalid>',
    mailOutboxDir: env.MAIL_OUTBOX_DIR ?? './var/outbox',
    worker: env.WORKER !== 'off',
    mailDelivery: env.MAIL_DELIVERY !== 'off',
    introspection: env.GRAPHQL_INTROSPECTION ? env.GRAPHQL_INTROSPECTION === 'true' : !production,
    trustProxy: env.TRUST_PROXY === 'true',
    maxUploadBytes: integer(env, 'MAX_UPLOAD_BYTES', 20 * 1024 * 1024),
    maxUploadRows: integer(env, 'MAX_UPLOAD_ROWS', 200_000),
    maxRowBytes: integer(env, 'MAX_ROW_BYTES', 64 * 1024),
    uploadChunkRows: integer(env, 'UPLOAD_CHUNK_ROWS', 1000),
    maxQueuedBatchesPerSite: integer(env, 'MAX_QUEUED_BATCHES_PER_SITE', 10),
    apiProcesses: integer(env, 'API_PROCESSES', 1, 64),
    idleTimeoutSeconds: integer(env, 'IDLE_TIMEOUT_SECONDS', 120),
    headersTimeoutSeconds: integer(env, 'HEADERS_TIMEOUT_SECONDS', 60),
    jsonBodyTimeoutSeconds: integer(env, 'JSON_BODY_TIMEOUT_SECONDS', 300),
  };
};
