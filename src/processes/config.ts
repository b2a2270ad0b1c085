import { isIP } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Proxies that may name the client in X-Forwarded-For: the nearest `hops` of them, or those at these networks (CIDR). */
export type TrustedProxies = { hops: number } | { networks: string[] };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every setting comes from the environment; README.md lists them with these defaults. */
export interface Config {
  production: boolean;
  port: number;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  jwtSecret: string;
  tokenLifetimeSeconds: number;
  /** `file` writes every email as an .eml file under `mailOutboxDir`; production needs it asked for by name. */
  mailTransport: 'smtp' | 'file';
  smtpUrl: string | undefined;
  mailFrom: string;
  mailOutboxDir: string;
  worker: boolean;
  mailDelivery: boolean;
  introspection: boolean;
  trustProxy: TrustedProxies;
  logLevel: LogLevel;
  /** Failed attempts one client address may make in a row, then one more every `addressFailureRefillSeconds`. */
  addressFailureBurst: number;
  addressFailureRefillSeconds: number;
  maxUploadBytes: number;
  maxUploadRows: number;
  maxRowBytes: number;
  uploadChunkRows: number;
  maxQueuedBatchesPerSite: number;
  maxInvitationsPerAdminPerHour: number;
  /** An admin may resend one account's invitation at most once in this many minutes (the first resend: at once). */
  resendInvitationMinMinutes: number;
  maxBulkRowsPerAdminPerDay: number;
  apiProcesses: number;
  /** A connection with no byte in or out for this long is closed; a live upload, however slow, is never cut. */
  idleTimeoutSeconds: number;
  /** How long a client has to send its request headers. */
  headersTimeoutSeconds: number;
  /** How long a JSON body has to arrive; an upload has no such budget. */
  jsonBodyTimeoutSeconds: number;
  /** Holds a private folder per API process where arriving files are buffered; only this user may open it. */
  uploadTempDir: string;
  sessionIdleMinutes: number;
  /** Audit events older than this many days are pruned. */
  auditRetentionDays: number;
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

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];
const BOOLEAN_WORDS = 'true/false, 1/0, yes/no or on/off';

// Express's names for the ranges proxies usually sit in.
const NAMED_NETWORKS: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

const isNetwork = (entry: string): boolean => {
  const [address, prefix, ...rest] = entry.split('/');
  const bits = isIP(address) === 4 ? 32 : 128;
  return isIP(address) !== 0 && rest.length === 0 && (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= bits));
};
const fullNetwork = (entry: string): string => (entry.includes('/') ? entry : `${entry}/${isIP(entry) === 4 ? 32 : 128}`);

/** A setting: what the variable accepts, said in the message that refuses anything else. */
interface Setting<T> {
  accepts: string;
  schema: z.ZodType<T, string>;
}
const setting = <T>(accepts: string, schema: z.ZodType<T, string>): Setting<T> => ({ accepts, schema });

const wholeNumber = (max = Number.MAX_SAFE_INTEGER) =>
  setting(
    `a positive whole number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`,
    z.string().regex(/^\d+$/).transform(Number).pipe(z.int().min(1).max(max)),
  );
const flag = setting(BOOLEAN_WORDS, z.stringbool({ truthy: TRUE_WORDS, falsy: FALSE_WORDS }));
const text = setting('any text', z.string());

/** As Express's `trust proxy`, except that `true` is one proxy: Express's "trust every hop" lets a client name any address. */
const trustProxy = setting(
  `${BOOLEAN_WORDS}, a number of proxies, or a comma list of addresses, networks (CIDR) or ${Object.keys(NAMED_NETWORKS).join('/')}`,
  z.string().transform((raw, context): TrustedProxies => {
    const value = raw.trim().toLowerCase();
    if (FALSE_WORDS.includes(value)) return { hops: 0 };
    if (TRUE_WORDS.includes(value)) return { hops: 1 };
    if (/^\d+$/.test(value)) return { hops: Number(value) };
    const entries = value.split(',').map((entry) => entry.trim());
    const wrong = entries.find((entry) => !NAMED_NETWORKS[entry] && !isNetwork(entry));
    if (wrong !== undefined) context.addIssue({ code: 'custom', message: `the entry "${wrong}" is none of these` });
    return { networks: entries.flatMap((entry) => NAMED_NETWORKS[entry] ?? [fullNetwork(entry)]) };
  }),
);

const DATABASE_SCHEMES = ['sqlite:', 'mysql://', 'mariadb://'];
const databaseUrl = setting(
  'sqlite:<file>, sqlite::memory:, mysql://user:password@host:port/database or mariadb://…',
  z.string().refine((value) => {
    if (value.startsWith('sqlite:')) return value.length > 'sqlite:'.length;
    return (
      DATABASE_SCHEMES.some((scheme) => value.startsWith(scheme)) && URL.canParse(value) && new URL(value).hostname !== '' && new URL(value).pathname.length > 1
    );
  }),
);

const smtpUrl = setting('an smtp:// or smtps:// URL, such as smtps://user:password@mail.example.org:465', z.url({ protocol: /^smtps?$/, hostname: /./ }));

const publicUrl = setting(
  'an http or https URL without query or fragment, such as https://accounts.example.k12.us',
  // zod runs the refinement even when the URL check failed, so it must not assume a URL.
  z
    .url({ protocol: /^https?$/ })
    .refine((value) => URL.canParse(value) && !new URL(value).search && !new URL(value).hash)
    .transform((value) => new URL(value).href.replace(/\/+$/, '')),
);

/** The variables, with their defaults; a default depending on another setting is filled in by `loadConfig`. */
const SETTINGS = {
  PORT: [setting('a port number from 1 to 65535', wholeNumber(65535).schema), 4000],
  DATABASE_URL: [databaseUrl, undefined],
  DATABASE_POOL_SIZE: [wholeNumber(1000), 10],
  JWT_SECRET: [text, undefined],
  TOKEN_LIFETIME_SECONDS: [wholeNumber(), 3600],
  MAIL_TRANSPORT: [setting('smtp or file', z.enum(['smtp', 'file'])), undefined],
  SMTP_URL: [smtpUrl, undefined],
  MAIL_FROM: [text, 'Educator Accounts <no-reply@educator-accounts.invalid>'],
  MAIL_OUTBOX_DIR: [text, './var/outbox'],
  WORKER: [flag, true],
  MAIL_DELIVERY: [flag, true],
  GRAPHQL_INTROSPECTION: [flag, undefined],
  TRUST_PROXY: [trustProxy, { hops: 0 }],
  LOG_LEVEL: [setting(LOG_LEVELS.join(', '), z.enum(LOG_LEVELS)), 'info'],
  // A school's staff may share one NAT address: deep enough for a morning of typing mistakes, then slowed, never locked.
  ADDRESS_FAILURE_BURST: [wholeNumber(), 100],
  ADDRESS_FAILURE_REFILL_SECONDS: [wholeNumber(), 30],
  MAX_UPLOAD_BYTES: [wholeNumber(), 20 * 1024 * 1024],
  MAX_UPLOAD_ROWS: [wholeNumber(), 200_000],
  MAX_ROW_BYTES: [wholeNumber(), 64 * 1024],
  UPLOAD_CHUNK_ROWS: [wholeNumber(), 1000],
  MAX_QUEUED_BATCHES_PER_SITE: [wholeNumber(), 10],
  MAX_INVITATIONS_PER_ADMIN_PER_HOUR: [wholeNumber(), 200],
  RESEND_INVITATION_MIN_MINUTES: [wholeNumber(), 10],
  MAX_BULK_ROWS_PER_ADMIN_PER_DAY: [wholeNumber(), 1_000_000],
  API_PROCESSES: [wholeNumber(64), 1],
  IDLE_TIMEOUT_SECONDS: [wholeNumber(), 120],
  HEADERS_TIMEOUT_SECONDS: [wholeNumber(), 60],
  JSON_BODY_TIMEOUT_SECONDS: [wholeNumber(), 300],
  UPLOAD_TEMP_DIR: [text, undefined],
  SESSION_IDLE_MINUTES: [wholeNumber(), 30],
  SESSION_MAX_HOURS: [wholeNumber(), 12],
  AUDIT_RETENTION_DAYS: [wholeNumber(36_500), 365],
  PUBLIC_URL: [publicUrl, undefined],
  SHUTDOWN_GRACE_SECONDS: [wholeNumber(), 30],
  METRICS_TOKEN: [text, undefined],
  METRICS_PORT: [setting('a port number from 1 to 65535', wholeNumber(65535).schema), undefined],
} as const;

type Settings = typeof SETTINGS;
type Values = { [Name in keyof Settings]: z.output<Settings[Name][0]['schema']> | Settings[Name][1] };

/** `scheme://user:***@host…`: the password of a URL-like value, even one refused as a URL, is never shown. */
const withoutPassword = (value: string): string => value.replace(/^([a-z][\w+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');

/** A configuration the service refuses to start with; the message names each variable, what is wrong and what it accepts. */
export class ConfigurationError extends Error {}

const refused = (problems: string[]): ConfigurationError => new ConfigurationError(`Invalid configuration:\n  ${problems.join('\n  ')}`);

/** The named variables, validated, each with its default. */
const readSettings = <Name extends keyof Settings>(env: NodeJS.ProcessEnv, names: Name[]): Pick<Values, Name> => {
  const schema = z.object(
    Object.fromEntries(
      names.map((name) => {
        const [{ schema: valid }, fallback] = SETTINGS[name];
        // An empty variable is an unset one, as a compose file's `${VARIABLE:-}` leaves it.
        return [
          name,
          z.preprocess((raw) => (typeof raw === 'string' && raw.trim() === '' ? undefined : raw), valid.optional()).transform((value) => value ?? fallback),
        ];
      }),
    ),
  );
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data as Pick<Values, Name>;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]) as Name;
    const detail = issue.code === 'custom' && issue.message !== 'Invalid input' ? ` (${issue.message})` : '';
    return `${name} must be ${SETTINGS[name][0].accepts}; got "${withoutPassword(env[name] ?? '')}"${detail}`;
  });
  throw refused([...new Set(problems)]);
};

/** What `npm run migrate` needs, without the settings of a server. */
export const loadDatabaseSettings = (env: NodeJS.ProcessEnv = process.env): [string | undefined, number] => {
  const values = readSettings(env, ['DATABASE_URL', 'DATABASE_POOL_SIZE']);
  return [values.DATABASE_URL, values.DATABASE_POOL_SIZE];
};

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const values = readSettings(env, Object.keys(SETTINGS) as (keyof Settings)[]);
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  const jwtSecret = values.JWT_SECRET ?? (production ? '' : DEVELOPMENT_SECRET);
  const weakness = production ? weakSecretReason(jwtSecret) : undefined;
  if (weakness) {
    problems.push(
      `JWT_SECRET ${weakness}: in production set it to at least ${MIN_SECRET_LENGTH} random characters (for example the output of \`openssl rand -base64 48\`).`,
    );
  }
  // A process with MAIL_DELIVERY=off only queues emails in the outbox; the one that sends them needs the transport.
  const mailTransport = values.MAIL_TRANSPORT ?? (values.SMTP_URL ? 'smtp' : production && values.MAIL_DELIVERY ? undefined : 'file');
  if (mailTransport === undefined) {
    problems.push('SMTP_URL must be set in production (invitations carry live registration codes); MAIL_TRANSPORT=file writes them to files instead.');
  } else if (mailTransport === 'smtp' && !values.SMTP_URL) problems.push('MAIL_TRANSPORT=smtp needs SMTP_URL.');
  if (problems.length > 0) throw refused(problems);
  return {
    production,
    port: values.PORT,
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    jwtSecret,
    tokenLifetimeSeconds: values.TOKEN_LIFETIME_SECONDS,
    mailTransport: mailTransport ?? 'file',
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM,
    mailOutboxDir: values.MAIL_OUTBOX_DIR,
    worker: values.WORKER,
    mailDelivery: values.MAIL_DELIVERY,
    introspection: values.GRAPHQL_INTROSPECTION ?? !production,
    trustProxy: values.TRUST_PROXY,
    logLevel: values.LOG_LEVEL,
    addressFailureBurst: values.ADDRESS_FAILURE_BURST,
    addressFailureRefillSeconds: values.ADDRESS_FAILURE_REFILL_SECONDS,
    maxUploadBytes: values.MAX_UPLOAD_BYTES,
    maxUploadRows: values.MAX_UPLOAD_ROWS,
    maxRowBytes: values.MAX_ROW_BYTES,
    uploadChunkRows: values.UPLOAD_CHUNK_ROWS,
    maxQueuedBatchesPerSite: values.MAX_QUEUED_BATCHES_PER_SITE,
    maxInvitationsPerAdminPerHour: values.MAX_INVITATIONS_PER_ADMIN_PER_HOUR,
    resendInvitationMinMinutes: values.RESEND_INVITATION_MIN_MINUTES,
    maxBulkRowsPerAdminPerDay: values.MAX_BULK_ROWS_PER_ADMIN_PER_DAY,
    apiProcesses: values.API_PROCESSES,
    idleTimeoutSeconds: values.IDLE_TIMEOUT_SECONDS,
    headersTimeoutSeconds: values.HEADERS_TIMEOUT_SECONDS,
    jsonBodyTimeoutSeconds: values.JSON_BODY_TIMEOUT_SECONDS,
    // Per user: a folder of another user's service under the same name could not be opened.
    uploadTempDir: values.UPLOAD_TEMP_DIR ?? join(tmpdir(), `educator-uploads-${process.getuid?.() ?? userInfo().username}`),
    sessionIdleMinutes: values.SESSION_IDLE_MINUTES,
    sessionMaxHours: values.SESSION_MAX_HOURS,
    auditRetentionDays: values.AUDIT_RETENTION_DAYS,
    publicUrl: values.PUBLIC_URL ?? `http://localhost:${values.PORT}`,
    shutdownGraceSeconds: values.SHUTDOWN_GRACE_SECONDS,
    metricsToken: values.METRICS_TOKEN,
    metricsPort: values.METRICS_PORT,
  };
};

const SECRET_KEY = /secret|token(?!Lifetime)|password/i;

/** The configuration as the start-up log shows it: secrets and the passwords inside URLs masked. */
export const effectiveConfig = (config: Config): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      if (typeof value !== 'string') return [key, value];
      if (SECRET_KEY.test(key)) return [key, '***'];
      return [key, withoutPassword(value)];
    }),
  );
