import { expect } from 'chai';
import { halfSipHash, type KeyedHash } from '../../../../src/domain/shared/half-sip-hash';
import { FirstLinesByEmail } from '../../../../src/domain/upload-batch/first-lines-by-email';
import { COLLIDING_EMAILS, oldFingerprint } from '../../../support/old-fingerprint';

const keyed = (): KeyedHash => halfSipHash(new Uint32Array([0x9e3779b9, 0x7f4a7c15]));

describe('first lines by email', () => {
  it('when an email comes again, then its first line is given back; a new one is remembered with its own line', () => {
    const lines = new FirstLinesByEmail(keyed());
    expect(lines.firstLine('ana@example.org', 7)).to.equal(7);
    expect(lines.firstLine('ana@example.org', 9)).to.equal(7);
    expect(lines.firstLine('bo@example.org', 12)).to.equal(12);
    expect(lines.size).to.equal(2);
  });

  it('when emails differ only where a careless key would merge them, then each keeps its own line', () => {
    const lines = new FirstLinesByEmail(keyed());
    const emails = ['a', 'a@', '@a', 'a@b', 'a@b@c', 'ab@c', 'a@bc', 'é@x.org', 'e\u0301@x.org', 'ana@example.org', 'ana@example.org.'];
    emails.push('😀@x.org', '\ufffd@x.org');
    // Lone surrogates, which UTF-8 cannot hold (TextEncoder would write each as U+FFFD).
    emails.push('\ud83d@x.org', '\ude00@x.org', '\ude00\ud83d@x.org', '\ud83d\ud83d@x.org', '\ud800@x.org');
    emails.forEach((email, index) => expect(lines.firstLine(email, index + 2), email).to.equal(index + 2));
    emails.forEach((email, index) => expect(lines.firstLine(email, 100), email).to.equal(index + 2));
  });

  it('when two emails share the old 64-bit fingerprint, then they are still two emails with a line each', () => {
    expect(COLLIDING_EMAILS[0]).to.not.equal(COLLIDING_EMAILS[1]);
    expect(oldFingerprint(COLLIDING_EMAILS[0])).to.deep.equal(oldFingerprint(COLLIDING_EMAILS[1]));
    const lines = new FirstLinesByEmail(keyed());
    expect(lines.firstLine(COLLIDING_EMAILS[0], 2)).to.equal(2);
    expect(lines.firstLine(COLLIDING_EMAILS[1], 3)).to.equal(3);
  });

  it('when every email hashes alike, then emails are still told apart by their text, never merged', () => {
    const lines = new FirstLinesByEmail(() => 42);
    for (let index = 0; index < 300; index += 1) expect(lines.firstLine(`teacher.${index}@district.example.org`, index + 2)).to.equal(index + 2);
    for (let index = 0; index < 300; index += 1) expect(lines.firstLine(`teacher.${index}@district.example.org`, 1000)).to.equal(index + 2);
  });

  it('when emails were crafted to pile into the same few slots of the old table, then the work stays a few slots per email', () => {
    // What an uploader who knows the hash can do: 4,000 emails for 32 neighbouring slots of the old 8,192-slot table.
    const crafted: string[] = [];
    for (let candidate = 0; crafted.length < 4000; candidate += 1) {
      const email = `t${candidate.toString(36)}@district.example.org`;
      if ((oldFingerprint(email)[1] & 8191) < 32) crafted.push(email);
    }
    const oldTable = new Uint8Array(8192);
    let oldProbes = 0;
    for (const email of crafted) {
      let slot = oldFingerprint(email)[1] & 8191;
      for (oldProbes += 1; oldTable[slot] === 1; oldProbes += 1) slot = (slot + 1) & 8191;
      oldTable[slot] = 1;
    }
    expect(oldProbes).to.be.greaterThan(4000 * 1000);

    const lines = new FirstLinesByEmail(keyed(), crafted.length);
    crafted.forEach((email, index) => lines.firstLine(email, index + 2));
    crafted.forEach((email, index) => expect(lines.firstLine(email, 99_999)).to.equal(index + 2));
    expect(lines.probes / (2 * crafted.length)).to.be.lessThan(4);
  });

  it('when the hash is one an uploader can predict, then the probe count shows the quadratic work', () => {
    const lines = new FirstLinesByEmail(() => 42, 1000);
    for (let index = 0; index < 1000; index += 1) lines.firstLine(`t${index}@district.example.org`, index + 2);
    expect(lines.probes).to.be.greaterThan((1000 * 1000) / 2);
  });

  it('when 200,000 similar emails are remembered, then each keeps its own line and none is confused with another', () => {
    const lines = new FirstLinesByEmail(keyed());
    for (let index = 0; index < 200_000; index += 1) lines.firstLine(`teacher.${index}@district.example.org`, index + 2);
    expect(lines.size).to.equal(200_000);
    for (let index = 0; index < 200_000; index += 1) {
      if (lines.firstLine(`teacher.${index}@district.example.org`, 999_999) !== index + 2) throw new Error(`line of teacher.${index} lost`);
    }
    expect(lines.firstLine('teacher.200000@district.example.org', 999_999)).to.equal(999_999);
  });

  it('when it is sized for fewer emails than arrive (or for none), then it still grows and keeps every line', () => {
    for (const expected of [0, 10, 50_000]) {
      const lines = new FirstLinesByEmail(keyed(), expected);
      const email = (index: number): string => `counselor.${index}@district${index % 300}.example.org`;
      for (let index = 0; index < 100_000; index += 1) lines.firstLine(email(index), index + 2);
      expect(lines.size, `sized for ${expected}`).to.equal(100_000);
      for (let index = 0; index < 100_000; index += 1) {
        if (lines.firstLine(email(index), 999_999) !== index + 2) throw new Error(`line of counselor.${index} lost when sized for ${expected}`);
      }
    }
  });
});
