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

/** One log line as JSON: a secret-named member is redacted whatever it holds (an exit `code` is a number and stays), and so is every secret in text. */
export const logLine = (message: string, details: Record<string, unknown>, time: Date): string =>
  JSON.stringify({ time: time.toISOString(), message, ...details }, (name, value: unknown) => {
    if (name !== '' && SECRET_NAME.test(name) && value !== null && typeof value !== 'number' && typeof value !== 'boolean') return REDACTED;
    return typeof value === 'string' ? redactSecrets(value) : value;
  });

/** One JSON object per line on stdout, easy to grep and to ship; LOG_LEVEL=silent quiets tests. */
export const createLog = (env: NodeJS.ProcessEnv = process.env, write: (line: string) => void = (line) => process.stdout.write(line)): Log => {
  if (env.LOG_LEVEL === 'silent') return () => undefined;
  return (message, details = {}) => write(`${logLine(message, details, new Date())}\n`);
};
