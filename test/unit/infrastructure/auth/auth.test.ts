import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { HmacRegistrationCodes } from '../../../../src/infrastructure/auth/hmac-registration-codes';
import { JwtTokenIssuer } from '../../../../src/infrastructure/auth/jwt-token-issuer';
import { PublicIds } from '../../../../src/infrastructure/auth/public-ids';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

const CLAIMS = { accountId: 42, credentialsVersion: 0 };

describe('tokens, codes and public ids', () => {
  describe('bearer tokens', () => {
    it('when a token is issued, then it verifies to the account id', () => {
      const issuer = new JwtTokenIssuer(SECRET, 60);
      expect(issuer.verify(issuer.issue(42, 3))).to.deep.equal({ accountId: 42, credentialsVersion: 3 });
    });

    it('when a token is signed with another key, then it is refused', () => {
      const forged = jwt.sign({ sub: '42' }, 'another-key', { algorithm: 'HS256', audience: 'educator-provisioning' });
      expect(new JwtTokenIssuer(SECRET, 60).verify(forged)).to.equal(null);
    });

    it('when a token says alg none, then it is refused', () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ sub: '42', aud: 'educator-provisioning', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
      expect(new JwtTokenIssuer(SECRET, 60).verify(`${header}.${payload}.`)).to.equal(null);
    });

    it('when a token verified before has since expired on the same issuer, then it is refused', () => {
      let now = Date.now();
      const issuer = new JwtTokenIssuer(SECRET, 60, () => new Date(now));
      const token = issuer.issue(42, 0);
      expect(issuer.verify(token)).to.deep.equal(CLAIMS);
      now += 59_000;
      expect(issuer.verify(token)).to.deep.equal(CLAIMS);
      now += 2_000;
      expect(issuer.verify(token)).to.equal(null);
    });

    it('when a forged token is sent again, then it is refused again', () => {
      const issuer = new JwtTokenIssuer(SECRET, 60);
      const forged = new JwtTokenIssuer('another-secret-of-sufficient-length-123456', 60).issue(42, 0);
      expect([issuer.verify(forged), issuer.verify(forged)]).to.deep.equal([null, null]);
    });

    it('when the lifetime has passed on the clock, then it is refused', () => {
      const issuedAt = Date.now();
      const issuer = new JwtTokenIssuer(SECRET, 60);
      const token = issuer.issue(42, 0);
      expect(new JwtTokenIssuer(SECRET, 60, () => new Date(issuedAt + 30_000)).verify(token)).to.deep.equal(CLAIMS);
      expect(new JwtTokenIssuer(SECRET, 60, () => new Date(issuedAt + 61_000)).verify(token)).to.equal(null);
    });
  });

  describe('registration codes', () => {
    const codes = new HmacRegistrationCodes(SECRET);
    const account = { id: 42, createdAt: new Date('2026-09-01T08:00:00.000Z') };

    it('when a code is derived, then it has 12 unambiguous characters in groups of four, and the same account gives the same code', () => {
      const code = codes.codeFor(account);
      expect(code).to.match(/^[A-HJKMNP-TV-Z2-9]{4}-[A-HJKMNP-TV-Z2-9]{4}-[A-HJKMNP-TV-Z2-9]{4}$/);
      expect(codes.codeFor({ ...account })).to.equal(code);
    });

    it('when the code is retyped in lower case without dashes, then it still matches its account, and not another account or another code', () => {
      const code = codes.codeFor(account);
      expect(codes.matches(code.toLowerCase().replace(/-/g, ' '), account)).to.equal(true);
      expect(codes.matches(code, { id: 43, createdAt: account.createdAt })).to.equal(false);
      expect(codes.matches('AAAA-BBBB-CCCC', account)).to.equal(false);
      expect(codes.matches('', account)).to.equal(false);
    });

    it('when the account is created again (a new creation time), then its code changes', () => {
      expect(codes.codeFor({ id: 42, createdAt: new Date(account.createdAt.getTime() + 1) })).not.to.equal(codes.codeFor(account));
    });

    it('when another server secret derives the code, then it differs', () => {
      expect(new HmacRegistrationCodes(`${SECRET}-other`).codeFor(account)).not.to.equal(codes.codeFor(account));
    });

    it('when ten thousand accounts get codes, then none repeats and every letter of the alphabet is used', () => {
      const all = Array.from({ length: 10_000 }, (_, id) => codes.codeFor({ id, createdAt: account.createdAt }));
      expect(new Set(all).size).to.equal(10_000);
      expect(new Set(all.join('').replace(/-/g, '')).size).to.equal(30);
    });
  });

  describe('public ids', () => {
    const ids = new PublicIds(SECRET);

    it('when an id is encoded, then it decodes for its own kind only', () => {
      const publicId = ids.encode('site', 7);
      expect(ids.decode('site', publicId)).to.equal(7);
      expect(ids.decode('batch', publicId)).to.equal(undefined);
    });

    it('when someone edits an id to reach a neighbour, then it names nothing', () => {
      const publicId = ids.encode('site', 7);
      const bytes = Buffer.from(publicId, 'base64url');
      bytes[15] ^= 1;
      expect(ids.decode('site', bytes.toString('base64url'))).to.equal(undefined);
      expect(ids.decode('site', 'not-an-id')).to.equal(undefined);
      expect(new PublicIds('another-secret').decode('site', publicId)).to.equal(undefined);
    });

    it('when an id is encoded again, long after thousands of others, then it is the same id, and other kinds of the same number differ', () => {
      const first = ids.encode('batch', 42);
      const others = Array.from({ length: 25_000 }, (_, index) => ids.encode(index % 2 ? 'site' : 'batch', index + 100));
      expect(new Set(others).size).to.equal(others.length);
      expect(ids.encode('batch', 42)).to.equal(first);
      expect(new PublicIds(SECRET).encode('batch', 42)).to.equal(first);
      expect(ids.encode('site', 42)).to.not.equal(first);
      expect(others.every((publicId, index) => ids.decode(index % 2 ? 'site' : 'batch', publicId) === index + 100)).to.equal(true);
    });

    it('when neighbouring ids are encoded, then nothing in them reveals the number or its order', () => {
      const first = Buffer.from(ids.encode('account', 1000), 'base64url');
      const next = Buffer.from(ids.encode('account', 1001), 'base64url');
      const sharedBytes = first.filter((byte, index) => byte === next[index]).length;
      expect(sharedBytes).to.be.lessThan(6);
    });
  });
});
