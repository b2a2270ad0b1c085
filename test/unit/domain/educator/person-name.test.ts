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

describe('checkPersonName: what real names need', () => {
  for (const name of [
    'Jr.',
    'Martin Luther King Jr.',
    'A. J. Smith',
    "D'Angelo",
    'Jean-Luc',
    'St. John',
    'María José',
    'Nguyễn Thị Minh Khai',
    'Þórunn',
    'Ægir',
    '山田　太郎',
    'محمد',
    'Ana ❤️',
    'Dev 👩‍💻',
    'Alex 🏳️‍🌈',
    'Sam 👍🏽',
    'Morag 🏴󠁧󠁢󠁳󠁣󠁴󠁿',
    'می‌خواهم',
    'क्‍ष',
    'Ana@Home',
    'Mary.Ann',
  ]) {
    it(`when the name is "${name}", then it is accepted as typed`, () => {
      expect(check(name)).to.deep.equal({ ok: true, value: name });
    });
  }

  it('when a byte-order mark leads the name (as in a pasted file), then it is trimmed like a space', () => {
    expect(check('\uFEFFAna')).to.deep.equal({ ok: true, value: 'Ana' });
  });

  it('when a name is typed decomposed (e + combining acute), then it is stored composed and counted once per letter', () => {
    const decomposed = 'Rene\u0301e';
    expect(check(decomposed)).to.deep.equal({ ok: true, value: 'Renée' });
    expect(check(`${'e\u0301'.repeat(100)}`)).to.deep.equal({ ok: true, value: 'é'.repeat(100) });
  });
});

describe('checkPersonName: what a name may not carry', () => {
  const refusedFor = (raw: string): string | undefined => {
    const result = check(raw);
    return result.ok ? undefined : result.error.message;
  };

  for (const [raw, shown] of [
    ['Ana http://evil.example', 'http://evil.example'],
    ['Ana HTTPS://evil.example/login', 'HTTPS://evil.example/login'],
    ['Your account is locked, verify at https://evil.example', 'https://evil.example'],
    ['ftp://files.example', 'ftp://files.example'],
    ['Visit www.evil.example', 'www.evil.example'],
    ['WWW.evil', 'WWW.evil'],
    ['evil.example/login', 'evil.example/login'],
    ['Ana evil.example:8080/x', 'evil.example:8080/x'],
    ['evil。example/login', 'evil。example/login'],
    ['Reset at evil.com now', 'evil.com'],
    ['Ana bank.co', 'bank.co'],
    ['write to help@evil.example', 'help@evil.example'],
    ['mailto:help', 'mailto:help'],
  ] as const) {
    it(`when the name is "${raw}", then INVALID_NAME quotes the address "${shown}"`, () => {
      const result = check(raw);
      expect(result).to.deep.equal({
        ok: false,
        error: { code: 'INVALID_NAME', message: `First name may not contain a web or email address ("${shown}").`, field: ['firstName'] },
      });
    });
  }

  for (const [raw, why] of [
    ['Ana\r\nMaría', 'CR LF'],
    ['Ana\rMaría', 'a lone CR'],
    ['Ana\u2029María', 'a paragraph separator'],
    ['Ana\u000bMaría', 'a vertical tab'],
  ] as const) {
    it(`when the name contains ${why}, then INVALID_NAME mentions a line break`, () => {
      expect(refusedFor(raw)).to.equal('First name contains a control character (such as a tab or line break).');
    });
  }

  for (const [raw, code, what] of [
    ['\u200BAna', 'U+200B', 'a leading zero-width space'],
    ['An\u200Ba', 'U+200B', 'a zero-width space inside'],
    ['Ana\u200C', 'U+200C', 'a zero-width non-joiner after Latin letters'],
    ['An\u200Da', 'U+200D', 'a zero-width joiner between Latin letters'],
    ['An\uFEFFa', 'U+FEFF', 'a byte-order mark inside'],
    ['Ana\u00ADMaría', 'U+00AD', 'a soft hyphen'],
    ['Ana\u200E', 'U+200E', 'a left-to-right mark'],
    ['Ana \u202Enimda', 'U+202E', 'a right-to-left override'],
    ['Ana\u2066x\u2069', 'U+2066', 'a direction isolate'],
    ['Ana\u2060', 'U+2060', 'a word joiner'],
    ['\u3164', 'U+3164', 'a Hangul filler alone'],
    ['\u2800', 'U+2800', 'a braille blank alone'],
    ['\uFE0F', 'U+FE0F', 'a variation selector with nothing to style'],
    ['Ana \u{E0041}', 'U+E0041', 'a tag character outside a flag'],
    ['Ana\uD800', 'U+D800', 'a lone surrogate'],
  ] as const) {
    it(`when the name contains ${what}, then INVALID_NAME names ${code}`, () => {
      expect(refusedFor(raw)).to.equal(`First name contains an invisible character (${code}), often pasted along with a name. Type the name again.`);
    });
  }
});
