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
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** Where people reach the page, without a trailing slash: links in emails, and `Secure` cookies when https. */
  publicUrl: string;
}

export const DEMO_PASSWORD = 'demo-password-change-me';
const DEVELOPMENT_SECRET = 'development-only-secret-do-not-use-in-production';

const integer = (env: NodeJS.ProcessEnv, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new Error(`${name} must be a positive whole number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, got "${raw}"`);
  }
  return value;
};

const publicUrlOf = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`PUBLIC_URL must be an http or https URL, got "${raw}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new Error(`PUBLIC_URL must be an http or https URL without query or fragment, got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
};

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const production = env.NODE_ENV === 'production';
  const port = integer(env, 'PORT', 4000);
  const jwtSecret = env.JWT_SECRET ?? (production ? '' : DEVELOPMENT_SECRET);
  if (production && jwtSecret.length < 32) throw new Error('JWT_SECRET must be set to at least 32 characters in production.');
  return {
    production,
    port,
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
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 30),
    sessionMaxHours: integer(env, 'SESSION_MAX_HOURS', 12),
    publicUrl: publicUrlOf(env.PUBLIC_URL || `http://localhost:${port}`),
  };
};
