import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { stdTimeFunctions, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import { LOG_LEVELS, type LogLevel } from '../processes/config';

/** `details.level` (warn, error…) picks the level; info otherwise. */
export type Log = (message: string, details?: Record<string, unknown>) => void;

const REDACTED = '[redacted]';

/** Names whose values are secrets: passwords, registration codes, tokens, Authorization and Cookie headers. */
const SECRET_NAME = /pass(?:word|wd|phrase)|secret|token|authorization|cookie|(?:^|registration_?)code$/i;

/**
 * `name: value` or `name = value` in text: GraphQL arguments and input fields (a block string, a string or any other
 * literal), JSON members, SQL assignments. Every pair is matched, so that a secret-looking pair inside a string is not.
 */
const NAMED_VALUE = /(["']?)([A-Za-z_][\w-]*)\1(\s*[:=]\s*)("""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[^\s,;:(){}[\]"']+)/g;
const BEARER = /\bBearer\s+[\w.~+/=-]+/gi;
const JWT = /\beyJ[\w-]*\.[\w-]*\.[\w-]*/g;

/** `text` with the values of secret-named pairs, bearer tokens and JWTs replaced: query text may inline a password. */
export const redactSecrets = (text: string): string =>
  text
    .replace(NAMED_VALUE, (pair, quote: string, name: string, separator: string) =>
      SECRET_NAME.test(name) ? `${quote}${name}${quote}${separator}"${REDACTED}"` : pair,
    )
    .replace(BEARER, `Bearer ${REDACTED}`)
    .replace(JWT, REDACTED);

/** A copy of `details` with every secret-named member redacted (an exit `code`, a number or null, stays), and every secret in text. */
const redacted = (details: Record<string, unknown>): Record<string, unknown> =>
  JSON.parse(
    JSON.stringify(details, (name, value: unknown) => {
      if (name !== '' && SECRET_NAME.test(name) && value !== null && typeof value !== 'number' && typeof value !== 'boolean') return REDACTED;
      return typeof value === 'string' ? redactSecrets(value) : value;
    }),
  ) as Record<string, unknown>;

/** What every log line written while answering one request carries: its id, and what the access line reports. */
export interface RequestFacts {
  requestId: string;
  operationName?: string;
  viewerId?: string;
}

/** The request being answered, followed through every await of its handling. */
export const currentRequest = new AsyncLocalStorage<RequestFacts>();

const SECRET_KEYS = ['password', 'code', 'registrationCode', 'token', 'authorization', 'cookie'];
const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

type Level = Exclude<LogLevel, 'silent'>;
const LEVELS: readonly string[] = LOG_LEVELS;

/**
 * pino: one JSON line per entry with level, time, pid and, during a request, its id; readable lines in a developer's
 * terminal. Secrets are redacted by name at any depth and inside text (query text may inline a password).
 */
export const createLogger = (env: NodeJS.ProcessEnv = process.env, write?: (line: string) => void): Logger => {
  const options: LoggerOptions = {
    level: LEVELS.includes(env.LOG_LEVEL ?? '') ? env.LOG_LEVEL : 'info',
    messageKey: 'message',
    timestamp: stdTimeFunctions.isoTime,
    base: { pid: process.pid },
    formatters: { level: (label) => ({ level: label }), log: redacted },
    // The usual places first, by path, as pino does it cheaply; `redacted` then covers any depth and any text.
    redact: { paths: REDACTED_PATHS, censor: (value) => (typeof value === 'number' || value === null ? value : REDACTED) },
    mixin: () => {
      const facts = currentRequest.getStore();
      return facts ? { requestId: facts.requestId } : {};
    },
  };
  if (write) return pino(options, { write });
  if (process.stdout.isTTY && env.NODE_ENV !== 'production') return pino(options, pretty({ messageKey: 'message', translateTime: 'SYS:HH:MM:ss.l' }));
  return pino(options);
};

/** The `Log` the code calls: `log(message, details)` is an info line; `level` in details picks another. */
export const logThrough =
  (logger: Logger): Log =>
  (message, { level, ...details } = {}) => {
    logger[typeof level === 'string' && LEVELS.includes(level) ? (level as Level) : 'info'](details, redactSecrets(message));
  };

/** LOG_LEVEL=silent quiets tests; `write` receives each line instead of stdout. */
export const createLog = (env: NodeJS.ProcessEnv = process.env, write?: (line: string) => void): Log => logThrough(createLogger(env, write));
