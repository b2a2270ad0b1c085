import { expect } from 'chai';
import { createLog, redactSecrets } from '../../../src/infrastructure/logging';

/** The one line `log(message, details)` writes, parsed. */
const logLine = (message: string, details: Record<string, unknown>): Record<string, unknown> => {
  const lines: string[] = [];
  createLog({}, (line) => lines.push(line))(message, details);
  expect(lines).to.have.length(1);
  return JSON.parse(lines[0]) as Record<string, unknown>;
};

const PASSWORD = 'correct horse battery staple';
const CODE = 'K7QD-M2XF-9PLR';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';

describe('log lines keep secrets out', () => {
  it('when details hold a password, a registration code, a token or an Authorization header at any depth, then each is redacted, the rest kept', () => {
    const { time, ...line } = logLine('Something failed', {
      variables: { input: { username: 'ana@example.org', password: PASSWORD, registrationCode: CODE } },
      headers: { Authorization: `Bearer ${JWT}`, cookie: 'edu_session=abc' },
      token: JWT,
    });

    expect(time).to.be.a('string');
    expect(line).to.deep.equal({
      level: 'info',
      pid: process.pid,
      message: 'Something failed',
      variables: { input: { username: 'ana@example.org', password: '[redacted]', registrationCode: '[redacted]' } },
      headers: { Authorization: '[redacted]', cookie: '[redacted]' },
      token: '[redacted]',
    });
  });

  it('when a process exit code is logged, then the number stays: only text and objects under a secret name are redacted', () => {
    expect(logLine('An API process ended unexpectedly', { child: 12, code: 1, signal: null })).to.deep.include({
      child: 12,
      code: 1,
      signal: null,
    });
  });

  it('when a process killed by a signal is logged, then its exit code stays null', () => {
    expect(logLine('An API process ended unexpectedly', { child: 12, code: null, signal: 'SIGKILL' })).to.deep.include({
      code: null,
      signal: 'SIGKILL',
    });
  });

  it('when query text inlines secrets as GraphQL literals, block strings, JSON members or SQL assignments, then only those values are replaced', () => {
    const cases: [string, string][] = [
      [
        `mutation { signIn(input: { username: "ana@example.org", password: "${PASSWORD}" }) { token } }`,
        'mutation { signIn(input: { username: "ana@example.org", password: "[redacted]" }) { token } }',
      ],
      [
        `mutation { registerAccount(input: { registrationCode: "${CODE}", password: """${PASSWORD}""" }) { account { id } } }`,
        'mutation { registerAccount(input: { registrationCode: "[redacted]", password: "[redacted]" }) { account { id } } }',
      ],
      ['{ signIn(input: {password: 12345678901234}) { token } }', '{ signIn(input: {password: "[redacted]"}) { token } }'],
      [`{"username":"ana","password":"pa\\"ss","code":"${CODE}"}`, '{"username":"ana","password":"[redacted]","code":"[redacted]"}'],
      [
        `UPDATE educator_account SET password_hash = '$argon2id$v=19$abc' WHERE id = 4`,
        `UPDATE educator_account SET password_hash = "[redacted]" WHERE id = 4`,
      ],
      [`authorization: Bearer ${JWT} was refused`, 'authorization: "[redacted]" [redacted] was refused'],
      [`a token ${JWT} in plain text, and Bearer abc.def`, 'a token [redacted] in plain text, and Bearer [redacted]'],
    ];

    for (const [text, redacted] of cases) expect(redactSecrets(text), text).to.equal(redacted);
  });

  it('when a pair merely mentions a secret inside another value, then that value is left as it was', () => {
    const text = 'mutation { createEducatorAccount(input: { firstName: "password: x", roleCode: EDUCATOR }) { account { id } } }';

    expect(redactSecrets(text)).to.equal(text);
  });

  it('when the log writes a line, then it is one line of JSON through the writer, with the operation text redacted', () => {
    const lines: string[] = [];
    const log = createLog({}, (line) => lines.push(line));

    log('Unexpected error while answering a GraphQL request', {
      operation: `mutation {\n  signIn(input: { username: "a", password: "${PASSWORD}" }) { token }\n}`,
    });

    expect(lines).to.have.length(1);
    expect(lines[0].indexOf('\n')).to.equal(lines[0].length - 1);
    expect(lines[0]).not.to.contain(PASSWORD);
    expect(JSON.parse(lines[0]).operation).to.contain('password: "[redacted]"');
  });
});
