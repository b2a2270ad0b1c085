import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { EducatorAccountRecord } from '../../../src/infrastructure/persistence/records/records';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase, type TestDatabase } from '../../support/databases';
import { loadConfig, type TrustedProxies } from '../../../src/processes/config';
import { startTestServer, type GraphQLResponse, type TestServer } from '../../support/test-server';
import { PARTNER_HIGH, countRows, download, siteIdsByName, uploadAndProcess } from '../uploads/upload-kit';
import { REGISTER, SIGN_IN, graphqlFrom, inviteEducator, userErrorCodes } from './attempt-kit';

/*
 * Already covered elsewhere, so not repeated here:
 * - test/integration/accounts/sign-in.test.ts: a garbage, `alg: none`, foreign-key, tampered-`sub` and expired
 *   (one day later) token on `me`; the same INVALID_CREDENTIALS answer for an unknown email and a wrong password;
 *   signIn throttling per account (separate requests, and packed with aliases), per address (twenty usernames),
 *   the lock ending, and the account counter starting again after a success.
 * - test/integration/accounts/registration.test.ts: five wrong codes in separate requests lock registration for
 *   the account; INVALID_CODE for a wrong or used code; an unregistered account cannot sign in.
 * This file adds the same forgeries at every other door, the exact token lifetime, tokens bound to the account as
 * it stands now, the stored password hash, identical answers for the remaining account states, and registration
 * throttling packed into one request, per address, across addresses, and past X-Forwarded-For entries the client
 * wrote itself, behind one proxy, two, or proxies trusted by network. Concurrent attempts: concurrent-attempts.test.ts.
 */

const ME = '{ me { email role { code } } }';
const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }';
const PASSWORD = 'a long and private passphrase';
const MINUTE_IN_DAYS = 1 / (24 * 60);
const AUDIENCE = 'educator-provisioning';
/** Locking an address here takes twenty failures, not the default hundred (test/integration/security/shared-address.test.ts). */
const SMALL_ADDRESS_BURST = 20;

const codesOf = (response: { errors?: { extensions?: { code?: string } }[] }): (string | undefined)[] =>
  (response.errors ?? []).map((error) => error.extensions?.code);

/** Several registerAccount attempts in one request with aliases; mutations run one after another. */
const packedRegistrations = (attempts: { email: string; code: string }[]): string =>
  `mutation {\n${attempts
    .map(
      (attempt, index) =>
        `  r${index}: registerAccount(input: { email: ${JSON.stringify(attempt.email)}, registrationCode: ${JSON.stringify(attempt.code)}, password: ${JSON.stringify(PASSWORD)}, educationalInterestAccepted: true }) { account { status } userErrors { code } }`,
    )
    .join('\n')}\n}`;

const packedCodes = (response: GraphQLResponse, count: number): string[] => {
  expect(response.errors, response.text).to.equal(undefined);
  return Array.from({ length: count }, (_, index) => userErrorCodes(response.data[`r${index}`]).join() || 'REGISTERED');
};

/** The helpers every test here needs, bound to one server. */
const kit = (server: () => TestServer) => {
  const adminToken = () => server().signIn(server().demo.districtAdminEmail);

  const invite = (email: string): Promise<string> => inviteEducator(server(), email);

  const register = async (email: string, registrationCode: string) =>
    (await server().graphql(REGISTER, { input: { email, registrationCode, password: PASSWORD, educationalInterestAccepted: true } })).data.registerAccount;

  const signIn = async (username: string, password: string) => (await server().graphql(SIGN_IN, { input: { username, password } })).data.signIn;

  const isRegistered = async (email: string): Promise<boolean> =>
    (await server().application.dataSource.getRepository(EducatorAccountRecord).findOneByOrFail({ emailNormalized: email })).registeredAt !== null;

  return { adminToken, invite, register, signIn, isRegistered };
};

const directSuite = (database: TestDatabase) => {
  let server: TestServer;
  const { invite, register, signIn, isRegistered } = kit(() => server);

  before(async () => {
    server = await startTestServer(database, { addressFailureBurst: SMALL_ADDRESS_BURST });
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server?.close();
  });

  describe('bearer tokens', () => {
    /** Tokens that must never pass, built from a real one: the payload, the key, the algorithm or the audience is wrong. */
    const forgeries = async (): Promise<Record<string, string>> => {
      const secret = server.application.config.jwtSecret;
      const educatorEmail = 'token.holder@example.org';
      await register(educatorEmail, await invite(educatorEmail));
      const real = await server.signIn(educatorEmail, PASSWORD);
      const [header, payload, signature] = real.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const [districtAdmin] = await server.application.dataSource.query('SELECT id FROM educator_account WHERE email_normalized = ?', [
        server.demo.districtAdminEmail,
      ]);
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(server.clock.now().getTime() / 1000);
      return {
        "an Educator's token with the District Admin's sub": `${header}.${encode({ ...claims, sub: String(districtAdmin.id) })}.${signature}`,
        'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, sub: String(districtAdmin.id) })}.`,
        'alg NONE': `${encode({ alg: 'NONE', typ: 'JWT' })}.${encode({ ...claims, sub: String(districtAdmin.id) })}.`,
        'a wrong key': jwt.sign({ ...claims, sub: String(districtAdmin.id) }, 'a key that is not the server secret', { algorithm: 'HS256' }),
        'HS512 with the right key': jwt.sign(claims, secret, { algorithm: 'HS512' }),
        'another audience': jwt.sign({ sub: claims.sub, iat: now }, secret, { algorithm: 'HS256', expiresIn: 3600, audience: 'another-service' }),
        'no audience': jwt.sign({ sub: claims.sub, iat: now }, secret, { algorithm: 'HS256', expiresIn: 3600 }),
        'expired an hour ago': jwt.sign({ sub: claims.sub, iat: now - 7200, exp: now - 3600 }, secret, { algorithm: 'HS256', audience: AUDIENCE }),
        'a sub that names no account': jwt.sign({ sub: '987654321', iat: now }, secret, { algorithm: 'HS256', expiresIn: 3600, audience: AUDIENCE }),
        'a sub that is not a number': jwt.sign({ sub: '1 OR 1=1', iat: now }, secret, { algorithm: 'HS256', expiresIn: 3600, audience: AUDIENCE }),
      };
    };

    it('when a forged, mis-signed, foreign-audience or expired token is sent to a query, a mutation and both downloads, then each is refused as not signed in and nothing is written', async () => {
      const sites = await siteIdsByName(server);
      const batch = await uploadAndProcess(server, await server.signIn(server.demo.siteAdminEmail), {
        schoolSiteId: sites[PARTNER_HIGH],
        content: csvFile(educatorRows(1)),
      });
      const tokens = await forgeries();
      const accountsBefore = await countRows(server, 'educator_account');

      const outcomes: Record<string, unknown[]> = {};
      for (const [label, token] of Object.entries(tokens)) {
        const me = await server.graphql(ME, {}, token);
        const created = await server.graphql(
          CREATE,
          {
            input: {
              firstName: 'Eve',
              lastName: 'Forger',
              email: `forged@example.org`,
              roleCode: 'DISTRICT_ADMIN',
              schoolSiteIds: [],
              agreementAccepted: true,
            },
          },
          token,
        );
        const template = await download(server, '/templates/educator-accounts.csv', token);
        const failures = await download(server, `/upload-batches/${batch.id}/failures.csv`, token);
        outcomes[label] = [codesOf(me), me.data, codesOf(created), created.data, template.status, failures.status];
      }

      const refused = [['UNAUTHENTICATED'], null, ['UNAUTHENTICATED'], null, 401, 401];
      expect(outcomes).to.deep.equal(Object.fromEntries(Object.keys(tokens).map((label) => [label, refused])));
      expect(await countRows(server, 'educator_account')).to.equal(accountsBefore);
    });

    it('when 59 minutes have passed, then the token still works, and when 61 minutes have passed, then it is UNAUTHENTICATED and the downloads answer 401', async () => {
      const token = await server.signIn(server.demo.siteAdminEmail);

      server.clock.advanceDays(59 * MINUTE_IN_DAYS);
      const stillValid = await server.graphql(ME, {}, token);
      const templateStillValid = await download(server, '/templates/educator-accounts.csv', token);
      server.clock.advanceDays(2 * MINUTE_IN_DAYS);
      const expired = await server.graphql(ME, {}, token);
      const templateExpired = await download(server, '/templates/educator-accounts.csv', token);

      expect(stillValid.data.me).to.deep.equal({ email: server.demo.siteAdminEmail, role: { code: 'SITE_ADMIN' } });
      expect(templateStillValid.status).to.equal(200);
      expect(codesOf(expired)).to.deep.equal(['UNAUTHENTICATED']);
      expect(templateExpired.status).to.equal(401);
    });

    it('when the account behind an unexpired token is removed, then the token is UNAUTHENTICATED', async () => {
      const token = await server.signIn(server.demo.siteAdminEmail);
      const [row] = await server.application.dataSource.query('SELECT id FROM educator_account WHERE email_normalized = ?', [server.demo.siteAdminEmail]);

      await server.application.dataSource.query('DELETE FROM educator_account_site WHERE account_id = ?', [row.id]);
      await server.application.dataSource.query('DELETE FROM educator_account WHERE id = ?', [row.id]);

      expect(codesOf(await server.graphql(ME, {}, token))).to.deep.equal(['UNAUTHENTICATED']);
      expect((await download(server, '/templates/educator-accounts.csv', token)).status).to.equal(401);
    });

    it('when a Site Admin is demoted to Educator, then their unexpired token carries the new role on the next request', async () => {
      const sites = await siteIdsByName(server);
      const token = await server.signIn(server.demo.siteAdminEmail);
      const listing = `query($site: ID!) { educatorAccounts(schoolSiteId: $site) { totalCount } }`;
      expect(codesOf(await server.graphql(listing, { site: sites[PARTNER_HIGH] }, token))).to.deep.equal([]);

      await server.application.dataSource.query("UPDATE educator_account SET role_code = 'EDUCATOR' WHERE email_normalized = ?", [server.demo.siteAdminEmail]);

      expect((await server.graphql(ME, {}, token)).data.me.role).to.deep.equal({ code: 'EDUCATOR' });
      expect(codesOf(await server.graphql(listing, { site: sites[PARTNER_HIGH] }, token))).to.deep.equal(['FORBIDDEN']);
      expect(codesOf(await server.graphql('{ uploadBatches { totalCount } }', {}, token))).to.deep.equal(['FORBIDDEN']);
    });
  });

  describe('stored passwords', () => {
    /** A PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash, the parameters in any order. */
    const PHC = /^\$(argon2(?:id|i|d))\$v=(\d+)\$([a-z]=\d+(?:,[a-z]=\d+)*)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
    const bytesOf = (base64: string): number => Buffer.from(base64, 'base64').length;
    const parse = (stored: string) => {
      const match = PHC.exec(stored);
      if (!match) return null;
      const parameters = Object.fromEntries(match[3].split(',').map((pair) => [pair[0], Number(pair.slice(2))]));
      return {
        variant: match[1],
        version: Number(match[2]),
        memory: parameters.m,
        iterations: parameters.t,
        lanes: parameters.p,
        saltBytes: bytesOf(match[4]),
        salt: match[4],
        hashBytes: bytesOf(match[5]),
      };
    };

    it("when two educators register with the same password, then each stored hash is argon2id with at least OWASP's parameters (m ≥ 19456 KiB, t ≥ 2, p ≥ 1), with its own salt and no trace of the password", async () => {
      for (const email of ['first.hash@example.org', 'second.hash@example.org'])
        expect((await register(email, await invite(email))).userErrors).to.deep.equal([]);

      const rows: { password_hash: string }[] = await server.application.dataSource.query(
        'SELECT password_hash FROM educator_account WHERE email_normalized IN (?, ?) ORDER BY id',
        ['first.hash@example.org', 'second.hash@example.org'],
      );

      const parsed = rows.map((row) => parse(row.password_hash));
      expect(
        parsed.map((hash) => hash !== null),
        rows.map((row) => row.password_hash).join(' '),
      ).to.deep.equal([true, true]);
      for (const hash of parsed) {
        expect(hash).to.deep.include({ variant: 'argon2id', version: 19 });
        expect(hash!.memory).to.be.at.least(19_456);
        expect(hash!.iterations).to.be.at.least(2);
        expect(hash!.lanes).to.be.at.least(1);
        expect(hash!.saltBytes).to.be.at.least(16);
        expect(hash!.hashBytes).to.be.at.least(32);
      }
      expect(parsed[0]!.salt, 'each hash has its own salt').to.not.equal(parsed[1]!.salt);
      expect(rows[0].password_hash).to.not.equal(rows[1].password_hash);
      for (const row of rows) expect(row.password_hash).to.not.contain(PASSWORD);
    });
  });

  describe('answers that reveal nothing about accounts', () => {
    it('when sign-in names an unknown email, a pending account, an expired account or an active account with a wrong password, then the four answers are identical', async () => {
      await invite('expired.soon@example.org');
      server.clock.advanceDays(61);
      await invite('pending@example.org');

      const answers = {
        unknown: await signIn('nobody@example.org', PASSWORD),
        pending: await signIn('pending@example.org', PASSWORD),
        expired: await signIn('expired.soon@example.org', PASSWORD),
        wrongPassword: await signIn(server.demo.districtAdminEmail, PASSWORD),
      };

      const refusal = {
        token: null,
        account: null,
        userErrors: [{ code: 'INVALID_CREDENTIALS', message: 'That email and password do not match an active account.', field: null }],
      };
      expect(answers).to.deep.equal({ unknown: refusal, pending: refusal, expired: refusal, wrongPassword: refusal });
    });

    it('when registration names an unknown email, a pending account with a wrong code, or an account already registered, then the three answers are identical', async () => {
      const rightCode = await invite('pending@example.org');
      const wrongCode = rightCode === 'AAAA-BBBB-CCCC' ? 'CCCC-BBBB-AAAA' : 'AAAA-BBBB-CCCC';

      const answers = {
        unknown: await register('nobody@example.org', wrongCode),
        wrongCode: await register('pending@example.org', wrongCode),
        alreadyRegistered: await register(server.demo.districtAdminEmail, wrongCode),
      };

      const refusal = {
        account: null,
        userErrors: [
          {
            code: 'INVALID_CODE',
            message: 'That registration code is not valid or was already used. Check the code in your invitation email.',
            field: ['registrationCode'],
          },
        ],
      };
      expect(answers).to.deep.equal({ unknown: refusal, wrongCode: refusal, alreadyRegistered: refusal });
      expect(await isRegistered('pending@example.org')).to.equal(false);
    });

    it('when an unknown email and a real account are each locked by failed sign-ins, then their TOO_MANY_ATTEMPTS answers are identical', async () => {
      for (const username of ['nobody@example.org', server.demo.districtAdminEmail]) {
        for (let attempt = 0; attempt < 5; attempt += 1) await signIn(username, `wrong-${attempt}`);
      }

      const unknown = await signIn('nobody@example.org', PASSWORD);
      const real = await signIn(server.demo.districtAdminEmail, server.demo.password);

      expect(real).to.deep.equal(unknown);
      expect(userErrorCodes(real)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    });
  });

  describe('registration throttling', () => {
    it('when many registration attempts are packed into one request with aliases, then each counts: five INVALID_CODE, then TOO_MANY_ATTEMPTS even for the right code', async () => {
      const code = await invite('packed@example.org');
      const attempts = [
        ...Array.from({ length: 7 }, (_, index) => ({ email: 'packed@example.org', code: `WRNG-CODE-00${index}${index}` })),
        { email: 'packed@example.org', code },
      ];

      const response = await server.graphql(packedRegistrations(attempts));

      expect(packedCodes(response, attempts.length)).to.deep.equal([...Array(5).fill('INVALID_CODE'), ...Array(3).fill('TOO_MANY_ATTEMPTS')]);
      expect(userErrorCodes(await register('packed@example.org', code))).to.deep.equal(['TOO_MANY_ATTEMPTS']);
      expect(await isRegistered('packed@example.org')).to.equal(false);
    });

    it('when one client address sends wrong codes for twenty different emails in one request, then even the right code for another account is refused from that address', async () => {
      const code = await invite('victim@example.org');
      const guesses = Array.from({ length: 20 }, (_, index) => ({ email: `guess${index}@example.org`, code: 'AAAA-BBBB-CCCC' }));

      const response = await server.graphql(packedRegistrations(guesses));
      const right = await register('victim@example.org', code);

      expect(packedCodes(response, 20)).to.deep.equal(Array(20).fill('INVALID_CODE'));
      expect(userErrorCodes(right)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
      expect(await isRegistered('victim@example.org')).to.equal(false);
    });

    it('when the registration lock has lasted its 15 minutes, then the right code works again', async () => {
      const code = await invite('patient@example.org');
      await server.graphql(
        packedRegistrations(Array.from({ length: 5 }, (_, index) => ({ email: 'patient@example.org', code: `WRNG-CODE-00${index}${index}` }))),
      );
      expect(userErrorCodes(await register('patient@example.org', code))).to.deep.equal(['TOO_MANY_ATTEMPTS']);

      server.clock.advanceDays(16 * MINUTE_IN_DAYS);
      const later = await register('patient@example.org', code);

      expect(later).to.deep.equal({ account: { email: 'patient@example.org', status: 'ACTIVE' }, userErrors: [] });
    });

    it('when X-Forwarded-For changes on every wrong code and no proxy is trusted, then all twenty count against the one real address and the right code is refused', async () => {
      const code = await invite('victim@example.org');

      const wrong: string[] = [];
      for (let index = 0; index < 20; index += 1) {
        const response = await graphqlFrom(server, `198.51.100.${index + 1}`, REGISTER, {
          input: { email: `guess${index}@example.org`, registrationCode: 'AAAA-BBBB-CCCC', password: PASSWORD, educationalInterestAccepted: true },
        });
        wrong.push(...userErrorCodes(response.data.registerAccount));
      }
      const right = await graphqlFrom(server, '198.51.100.200', REGISTER, {
        input: { email: 'victim@example.org', registrationCode: code, password: PASSWORD, educationalInterestAccepted: true },
      });

      expect(wrong).to.deep.equal(Array(20).fill('INVALID_CODE'));
      expect(userErrorCodes(right.data.registerAccount)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
      expect(await isRegistered('victim@example.org')).to.equal(false);
    });

    it('when X-Forwarded-For changes on every failed sign-in and no proxy is trusted, then all twenty count against the one real address', async () => {
      const wrong: string[] = [];
      for (let index = 0; index < 20; index += 1) {
        const response = await graphqlFrom(server, `198.51.100.${index + 1}`, SIGN_IN, {
          input: { username: `guess${index}@example.org`, password: 'password-guess' },
        });
        wrong.push(...userErrorCodes(response.data.signIn));
      }
      const right = await graphqlFrom(server, '198.51.100.200', SIGN_IN, { input: { username: server.demo.siteAdminEmail, password: server.demo.password } });

      expect(wrong).to.deep.equal(Array(20).fill('INVALID_CREDENTIALS'));
      expect(right.data.signIn.token).to.equal(null);
      expect(userErrorCodes(right.data.signIn)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    });
  });
};

/** The X-Forwarded-For a request carries once it has passed the proxies: what the client wrote, then what each proxy appended. */
type ProxyChain = (client: string, forgedByClient?: string) => string;

const behindTrustedProxySuite = (database: TestDatabase, trustProxy: TrustedProxies, chain: ProxyChain) => {
  let server: TestServer;
  const { invite, isRegistered } = kit(() => server);

  before(async () => {
    server = await startTestServer(database, { trustProxy, addressFailureBurst: SMALL_ADDRESS_BURST });
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server?.close();
  });

  const registerFrom = async (forwardedFor: string, email: string, registrationCode: string) =>
    (await graphqlFrom(server, forwardedFor, REGISTER, { input: { email, registrationCode, password: PASSWORD, educationalInterestAccepted: true } })).data
      .registerAccount;

  it('when wrong codes for one account come from five different client addresses, then the account is locked for every address', async () => {
    const code = await invite('spread@example.org');

    const wrong: string[] = [];
    for (let index = 1; index <= 5; index += 1) {
      wrong.push(...userErrorCodes(await registerFrom(chain(`203.0.113.${index}`), 'spread@example.org', `WRNG-CODE-00${index}${index}`)));
    }
    const right = await registerFrom(chain('203.0.113.99'), 'spread@example.org', code);

    expect(wrong).to.deep.equal(Array(5).fill('INVALID_CODE'));
    expect(userErrorCodes(right)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    expect(await isRegistered('spread@example.org')).to.equal(false);
  });

  it('when one client address is locked by twenty wrong codes, then another client address can still register', async () => {
    const first = await invite('first@example.org');
    const second = await invite('second@example.org');
    for (let index = 0; index < SMALL_ADDRESS_BURST; index += 1) await registerFrom(chain('203.0.113.1'), `guess${index}@example.org`, 'AAAA-BBBB-CCCC');

    const fromLockedAddress = await registerFrom(chain('203.0.113.1'), 'first@example.org', first);
    const fromOtherAddress = await registerFrom(chain('203.0.113.2'), 'second@example.org', second);

    expect(userErrorCodes(fromLockedAddress)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    expect(fromOtherAddress).to.deep.equal({ account: { email: 'second@example.org', status: 'ACTIVE' }, userErrors: [] });
  });

  it('when a client writes an address of its own before the proxies’ entries on each wrong code, then all twenty count against the one they saw', async () => {
    const code = await invite('victim@example.org');

    const wrong: string[] = [];
    for (let index = 0; index < SMALL_ADDRESS_BURST; index += 1) {
      wrong.push(...userErrorCodes(await registerFrom(chain('203.0.113.7', `198.51.100.${index + 1}`), `guess${index}@example.org`, 'AAAA-BBBB-CCCC')));
    }
    const right = await registerFrom(chain('203.0.113.7', '198.51.100.250'), 'victim@example.org', code);

    expect(wrong).to.deep.equal(Array(SMALL_ADDRESS_BURST).fill('INVALID_CODE'));
    expect(userErrorCodes(right)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    expect(await isRegistered('victim@example.org')).to.equal(false);
  });

  it('when a client names a victim’s address in its own X-Forwarded-For entry on twenty wrong codes, then the victim can still register', async () => {
    const code = await invite('victim@example.org');
    for (let index = 0; index < SMALL_ADDRESS_BURST; index += 1) {
      await registerFrom(chain('203.0.113.7', '203.0.113.9'), `guess${index}@example.org`, 'AAAA-BBBB-CCCC');
    }

    const victim = await registerFrom(chain('203.0.113.9'), 'victim@example.org', code);

    expect(victim).to.deep.equal({ account: { email: 'victim@example.org', status: 'ACTIVE' }, userErrors: [] });
  });
};

const forged = (forgedByClient?: string): string => (forgedByClient ? `${forgedByClient}, ` : '');

describeOnEachDatabase('Authentication: tokens, stored passwords, uniform answers and registration throttling', (database) => {
  describe('directly connected clients', () => directSuite(database));
  // The test connects from 127.0.0.1: that is the nearest proxy; a second one, where there is one, appended 10.0.0.5.
  const oneProxy: ProxyChain = (client, mine) => `${forged(mine)}${client}`;
  const twoProxies: ProxyChain = (client, mine) => `${forged(mine)}${client}, 10.0.0.5`;
  for (const setting of ['true', '2', 'loopback,10.0.0.0/8']) {
    const { trustProxy } = loadConfig({ TRUST_PROXY: setting });
    const chain = setting === 'true' ? oneProxy : twoProxies;
    describe(`behind trusted proxies (TRUST_PROXY=${setting})`, () => behindTrustedProxySuite(database, trustProxy, chain));
  }
});
