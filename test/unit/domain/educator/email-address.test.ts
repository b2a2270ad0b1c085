import { expect } from 'chai';
import { EmailAddress } from '../../../../src/domain/educator/email-address';

describe('EmailAddress', () => {
  it('when an address is typed with spaces around it, then it is trimmed', () => {
    const email = EmailAddress.create('  ana.lopez@example.org \t');
    expect(email.ok && email.value.value).to.equal('ana.lopez@example.org');
  });

  it('when an address is typed in mixed case, then the display value keeps the case and the comparison key is lower case', () => {
    const email = EmailAddress.create(' Ana.Lopez@Example.ORG ');
    expect(email.ok).to.equal(true);
    if (!email.ok) return;
    expect(email.value.value).to.equal('Ana.Lopez@Example.ORG');
    expect(email.value.normalized).to.equal('ana.lopez@example.org');
  });

  it('when two spellings differ only in case and spaces, then they normalize to the same key', () => {
    expect(EmailAddress.normalize('  ANA.LOPEZ@EXAMPLE.ORG ')).to.equal(EmailAddress.normalize('ana.lopez@example.org'));
  });

  it('when a stored address is restored, then the comparison key is recomputed', () => {
    expect(EmailAddress.restore('Ben@Example.org').normalized).to.equal('ben@example.org');
  });

  for (const valid of ['a@b.co', 'first.last+tag@sub.example.org', "o'brien@example.ie", 'zoë@exämple.de']) {
    it(`when "${valid}" is given, then it is accepted`, () => {
      expect(EmailAddress.create(valid).ok).to.equal(true);
    });
  }

  const invalid: [string, string][] = [
    ['', 'empty'],
    ['    ', 'only spaces'],
    ['ana.lopez', 'no @'],
    ['ana@example', 'no dot in the domain'],
    ['ana@@example.org', 'two @'],
    ['ana lopez@example.org', 'a space inside'],
    ['ana@example..org', 'two dots in a row'],
    ['ana..lopez@example.org', 'two dots in the local part'],
    ['@example.org', 'no local part'],
    ['ana@.org', 'no domain name'],
    ['ana@example.o', 'a one-letter top-level domain'],
    ['ana\u0000@example.org', 'a control character'],
    ['<ana@example.org>', 'angle brackets'],
    [`${'a'.repeat(250)}@example.org`, 'longer than 254 characters'],
  ];
  for (const [raw, why] of invalid) {
    it(`when the address has ${why}, then INVALID_EMAIL on the email field`, () => {
      const email = EmailAddress.create(raw);
      expect(email.ok).to.equal(false);
      if (email.ok) return;
      expect(email.error.code).to.equal('INVALID_EMAIL');
      expect(email.error.field).to.deep.equal(['email']);
    });
  }

  it('when an empty address is refused, then the message says the email is required', () => {
    const email = EmailAddress.create('  ');
    expect(!email.ok && email.error.message).to.equal('Email is required.');
  });

  it('when a caller names another field, then the refusal points at that field', () => {
    const email = EmailAddress.create('nope', ['rows', '3', 'email']);
    expect(!email.ok && email.error.field).to.deep.equal(['rows', '3', 'email']);
  });

  it('when an address is exactly 254 characters, then it is accepted', () => {
    const address = `${'a'.repeat(254 - '@example.org'.length)}@example.org`;
    expect(address.length).to.equal(254);
    expect(EmailAddress.create(address).ok).to.equal(true);
  });
});

describe('EmailAddress: invisible characters and Unicode forms', () => {
  for (const [raw, code, what] of [
    ['\u200Bana@example.org', 'U+200B', 'a leading zero-width space'],
    ['ana@exam\u200Dple.org', 'U+200D', 'a zero-width joiner in the domain'],
    ['ana\uFEFF@example.org', 'U+FEFF', 'a byte-order mark inside'],
    ['ana\u00AD@example.org', 'U+00AD', 'a soft hyphen'],
    ['ana@example.org\u202E', 'U+202E', 'a right-to-left override'],
    ['ana\u2060@example.org', 'U+2060', 'a word joiner'],
  ] as const) {
    it(`when the address has ${what}, then INVALID_EMAIL names ${code}`, () => {
      expect(EmailAddress.create(raw)).to.deep.equal({
        ok: false,
        error: {
          code: 'INVALID_EMAIL',
          message: `The email contains an invisible character (${code}), often pasted along with an address. Type the address again.`,
          field: ['email'],
        },
      });
    });
  }

  it('when an address is typed decomposed, then it is stored composed and compares equal to the composed spelling', () => {
    const decomposed = EmailAddress.create('zoe\u0308@exa\u0308mple.de');
    expect(decomposed.ok && decomposed.value.value).to.equal('zoë@exämple.de');
    expect(EmailAddress.normalize('ZOE\u0308@example.de')).to.equal(EmailAddress.normalize('zoë@example.de'));
  });
});
