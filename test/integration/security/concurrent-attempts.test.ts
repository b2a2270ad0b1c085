import { expect } from 'chai';
import { Argon2PasswordHasher } from '../../../src/infrastructure/auth/argon2-password-hasher';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { REGISTER, SIGN_IN, inviteEducator, tally } from './attempt-kit';

/** The real hasher, counting every verification (a decoy one for an unknown email included): what an attacker gets evaluated. */
class CountingPasswordHasher extends Argon2PasswordHasher {
  verifications = 0;

  override async verify(hash: string, password: string): Promise<boolean> {
    this.verifications += 1;
    return super.verify(hash, password);
  }
}

const BURST = 200;
const PASSWORD = 'a long and private passphrase';

describeOnEachDatabase('Attempts that arrive all at once, at two API processes sharing the database', (database) => {
  const hashers = [new CountingPasswordHasher(), new CountingPasswordHasher()];
  let apis: TestServer[];

  before(async () => {
    const first = await startTestServer(database, {}, { passwords: hashers[0] });
    apis = [first, await startTestServer(database, {}, { passwords: hashers[1], sameDatabaseAs: first })];
  });
  beforeEach(async () => {
    await apis[0].reset();
    for (const hasher of hashers) hasher.verifications = 0;
  });
  after(async () => {
    for (const api of apis ?? []) await api.close();
  });

  const verifications = () => hashers[0].verifications + hashers[1].verifications;
  /** Each attempt is its own request, sent without waiting for the others, alternately to either API: fetch opens a connection per request in flight. */
  const allAtOnce = <T>(count: number, send: (api: TestServer, index: number) => Promise<T>): Promise<T[]> =>
    Promise.all(Array.from({ length: count }, (_, index) => send(apis[index % 2], index)));
  const signIn = async (api: TestServer, username: string, password: string) => (await api.graphql(SIGN_IN, { input: { username, password } })).data.signIn;
  const register = async (api: TestServer, email: string, registrationCode: string, password = PASSWORD) =>
    (await api.graphql(REGISTER, { input: { email, registrationCode, password, educationalInterestAccepted: true } })).data.registerAccount;

  it(`when ${BURST} wrong passwords for an account arrive at once, then five are verified, the rest refused unchecked, the right one after too`, async () => {
    const email = apis[0].demo.districtAdminEmail;

    const answers = await allAtOnce(BURST, (api, index) => signIn(api, email, `wrong password ${index}`));
    const verifiedInBurst = verifications();
    const right = await signIn(apis[0], email, apis[0].demo.password);

    expect(tally(answers)).to.deep.equal({ INVALID_CREDENTIALS: 5, TOO_MANY_ATTEMPTS: BURST - 5 });
    expect(verifiedInBurst).to.equal(5);
    expect(tally([right])).to.deep.equal({ TOO_MANY_ATTEMPTS: 1 });
    expect(right.token).to.equal(null);
    expect(verifications()).to.equal(5);
  });

  it(`when ${BURST} wrong passwords for an unknown email arrive at once, then the same five decoy verifications are spent as for a real account`, async () => {
    const answers = await allAtOnce(BURST, (api, index) => signIn(api, 'nobody@example.org', `wrong password ${index}`));

    expect(tally(answers)).to.deep.equal({ INVALID_CREDENTIALS: 5, TOO_MANY_ATTEMPTS: BURST - 5 });
    expect(verifications()).to.equal(5);
  });

  it(`when ${BURST} wrong codes for an account arrive at once, then five are INVALID_CODE, others TOO_MANY_ATTEMPTS, and the right one after too`, async () => {
    const email = 'burst@example.org';
    const code = await inviteEducator(apis[0], email);

    const answers = await allAtOnce(BURST, (api, index) => register(api, email, `WRNG-${String(index).padStart(4, '0')}-CODE`));
    const right = await register(apis[1], email, code);

    expect(tally(answers)).to.deep.equal({ INVALID_CODE: 5, TOO_MANY_ATTEMPTS: BURST - 5 });
    expect(tally([right])).to.deep.equal({ TOO_MANY_ATTEMPTS: 1 });
    const [row] = await apis[0].application.dataSource.query('SELECT registered_at FROM educator_account WHERE email_normalized = ?', [email]);
    expect(row.registered_at).to.equal(null);
  });

  it('when the right code is sent ten times at once with ten passwords, then one registers, nine are INVALID_CODE, and the hash is the winner’s', async () => {
    const email = 'race@example.org';
    const code = await inviteEducator(apis[0], email);
    const passwords = Array.from({ length: 10 }, (_, index) => `candidate passphrase number ${index}`);

    const answers = await allAtOnce(passwords.length, (api, index) => register(api, email, code, passwords[index]));

    expect(tally(answers)).to.deep.equal({ OK: 1, INVALID_CODE: 9 });
    const winner = passwords[answers.findIndex((answer) => answer.userErrors.length === 0)];
    const [row] = await apis[0].application.dataSource.query('SELECT password_hash FROM educator_account WHERE email_normalized = ?', [email]);
    const argon2 = new Argon2PasswordHasher();
    const matching = [];
    for (const password of passwords) if (await argon2.verify(row.password_hash, password)) matching.push(password);
    expect(matching).to.deep.equal([winner]);
    expect((await signIn(apis[1], email, winner)).token).to.be.a('string');
  });
});
