import { expect } from 'chai';
import { checkPersonName, MAX_NAME_LENGTH } from '../../../../src/domain/educator/person-name';

const check = (raw: string) => checkPersonName(raw, 'First name', ['firstName']);

describe('checkPersonName', () => {
  it('when a name has spaces around it, then it is trimmed', () => {
    expect(check('  Ana María  ')).to.deep.equal({ ok: true, value: 'Ana María' });
  });

  it('when a name is one character, then it is accepted', () => {
    expect(check('X')).to.deep.equal({ ok: true, value: 'X' });
  });

  it('when a name is exactly 100 characters, then it is accepted', () => {
    expect(MAX_NAME_LENGTH).to.equal(100);
    expect(check('a'.repeat(100)).ok).to.equal(true);
  });

  it('when a name is 101 characters, then INVALID_NAME says it is longer than 100', () => {
    expect(check('a'.repeat(101))).to.deep.equal({
      ok: false,
      error: { code: 'INVALID_NAME', message: 'First name is longer than 100 characters.', field: ['firstName'] },
    });
  });

  it('when 100 characters are surrounded by spaces, then the spaces do not count', () => {
    expect(check(`   ${'b'.repeat(100)}   `).ok).to.equal(true);
  });

  it('when a name is 100 emoji (200 UTF-16 units), then each emoji counts once and it is accepted', () => {
    const name = '😀'.repeat(100);
    expect(name.length).to.equal(200);
    expect(check(name)).to.deep.equal({ ok: true, value: name });
  });

  it('when a name is 101 emoji, then INVALID_NAME', () => {
    const result = check('😀'.repeat(101));
    expect(!result.ok && result.error.code).to.equal('INVALID_NAME');
  });

  for (const name of ['Nguyễn', 'Zoë', '王小明', 'Ólafsdóttir', "O'Brien-Smith", 'José 😀']) {
    it(`when the name is "${name}", then full Unicode is kept as typed`, () => {
      expect(check(name)).to.deep.equal({ ok: true, value: name });
    });
  }

  for (const [raw, why] of [
    ['', 'empty'],
    ['    ', 'only spaces'],
    ['\t\n', 'only whitespace control characters'],
  ] as const) {
    it(`when the name is ${why}, then INVALID_NAME says it is required`, () => {
      expect(check(raw)).to.deep.equal({ ok: false, error: { code: 'INVALID_NAME', message: 'First name is required.', field: ['firstName'] } });
    });
  }

  for (const [raw, why] of [
    ['Ana\tMaría', 'a tab'],
    ['Ana\nMaría', 'a line break'],
    ['Ana\u0000', 'a NUL'],
    ['Ana\u007f', 'DEL'],
    ['Ana\u0085María', 'a C1 next-line'],
    ['Ana\u2028María', 'a line separator'],
  ] as const) {
    it(`when the name contains ${why}, then INVALID_NAME mentions a control character`, () => {
      const result = check(raw);
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.error.code).to.equal('INVALID_NAME');
      expect(result.error.message).to.contain('control character');
      expect(result.error.field).to.deep.equal(['firstName']);
    });
  }
});
