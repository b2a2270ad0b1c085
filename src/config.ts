import { isIP } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Proxies that may name the client in X-Forwarded-For: the nearest `hops` of them, or those at these networks (CIDR). */
export type TrustedProxies = { hops: number } | { networks: string[] };

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
  trustProxy: TrustedProxies;
  /** Failed attempts one client address may make in a row, then one more every `addressFailureRefillSeconds`. */
  addressFailureBurst: number;
  addressFailureRefillSeconds: number;
  maxUploadBytes: number;
  maxUploadRows: number;
  maxRowBytes: number;
  uploadChunkRows: number;
  maxQueuedBatchesPerSite: number;
  maxInvitationsPerAdminPerHour: number;
  maxBulkRowsPerAdminPerDay: number;
  apiProcesses: number;
  /** Holds a private folder per API process where arriving files are buffered; only this user may open it. */
  uploadTempDir: string;
  /** A connection with no byte in or out for this long is closed; a live upload, however slow, is never cut. */
  idleTimeoutSeconds: number;
  /** How long a client has to send its request headers. */
  headersTimeoutSeconds: number;
  /** How long a JSON body has to arrive; an upload has no such budget. */
  jsonBodyTimeoutSeconds: number;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** Where people reach the page, without a trailing slash: links in emails, and `Secure` cookies when https. */
  publicUrl: string;
  /** How long SIGTERM waits for the requests in flight before cutting their connections. */
  shutdownGraceSeconds: number;
  /** Turns `/metrics` on, for requests bearing it (`Authorization: Bearer …`). */
  metricsToken: string | undefined;
  /** Serves `/metrics` on this port instead of the service's own. */
  metricsPort: number | undefined;
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

// Express's names for the ranges proxies usually sit in.
const NAMED_NETWORKS: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

const network = (entry: string): string => {
  const [address, prefix, ...rest] = entry.split('/');
  const bits = isIP(address) === 4 ? 32 : 128;
  if (isIP(address) === 0 || rest.length > 0 || (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= bits))) {
    const names = Object.keys(NAMED_NETWORKS).join('/');
    throw new Error(`TRUST_PROXY must be true, false, a number of proxies, or a comma list of addresses, networks (CIDR) or ${names}; got "${entry}"`);
  }
  return prefix === undefined ? `${address}/${bits}` : entry;
};

/** As Express's `trust proxy`, except that `true` is one proxy: Express's "trust every hop" lets a client name any address. */
const trustedProxies = (raw = ''): TrustedProxies => {
  const value = raw.trim();
  if (value === '' || value === 'false') return { hops: 0 };
  if (value === 'true') return { hops: 1 };
  if (/^\d+$/.test(value)) return { hops: Number(value) };
  return { networks: value.split(',').flatMap((entry) => NAMED_NETWORKS[entry.trim()] ?? [network(entry.trim())]) };
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
  const weakness = production ? weakSecretReason(jwtSecret) : undefined;
  if (weakness) {
    const advice = `in production set it to at least ${MIN_SECRET_LENGTH} random characters (for example the output of \`openssl rand -base64 48\`)`;
    throw new Error(`JWT_SECRET ${weakness}: ${advice}.`);
  }
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
    trustProxy: trustedProxies(env.TRUST_PROXY),
    // A school's staff may share one NAT address: deep enough for a morning of typing mistakes, then slowed, never locked.
    addressFailureBurst: integer(env, 'ADDRESS_FAILURE_BURST', 100),
    addressFailureRefillSeconds: integer(env, 'ADDRESS_FAILURE_REFILL_SECONDS', 30),
    maxUploadBytes: integer(env, 'MAX_UPLOAD_BYTES', 20 * 1024 * 1024),
    maxUploadRows: integer(env, 'MAX_UPLOAD_ROWS', 200_000),
    maxRowBytes: integer(env, 'MAX_ROW_BYTES', 64 * 1024),
    uploadChunkRows: integer(env, 'UPLOAD_CHUNK_ROWS', 1000),
    maxQueuedBatchesPerSite: integer(env, 'MAX_QUEUED_BATCHES_PER_SITE', 10),
    maxInvitationsPerAdminPerHour: integer(env, 'MAX_INVITATIONS_PER_ADMIN_PER_HOUR', 200),
    maxBulkRowsPerAdminPerDay: integer(env, 'MAX_BULK_ROWS_PER_ADMIN_PER_DAY', 1_000_000),
    apiProcesses: integer(env, 'API_PROCESSES', 1, 64),
    // Per user: a folder of another user's service under the same name could not be opened.
    uploadTempDir: env.UPLOAD_TEMP_DIR || join(tmpdir(), `educator-uploads-${process.getuid?.() ?? userInfo().username}`),
    idleTimeoutSeconds: integer(env, 'IDLE_TIMEOUT_SECONDS', 120),
    headersTimeoutSeconds: integer(env, 'HEADERS_TIMEOUT_SECONDS', 60),
    jsonBodyTimeoutSeconds: integer(env, 'JSON_BODY_TIMEOUT_SECONDS', 300),
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 30),
    sessionMaxHours: integer(env, 'SESSION_MAX_HOURS', 12),
    publicUrl: publicUrlOf(env.PUBLIC_URL || `http://localhost:${port}`),
    shutdownGraceSeconds: integer(env, 'SHUTDOWN_GRACE_SECONDS', 30),
    metricsToken: env.METRICS_TOKEN || undefined,
    metricsPort: env.METRICS_PORT ? integer(env, 'METRICS_PORT', 0, 65535) : undefined,
  };
};
