import { expect } from 'chai';
import { FirstLinesByEmail } from '../../../../src/domain/upload-batch/first-lines-by-email';

describe('first lines by email', () => {
  it('when an email is remembered twice, then the first line wins', () => {
    const lines = new FirstLinesByEmail();
    lines.remember('ana@example.org', 7);
    lines.remember('ana@example.org', 9);
    expect(lines.get('ana@example.org')).to.equal(7);
    expect(lines.get('bo@example.org')).to.equal(undefined);
    expect(lines.size).to.equal(1);
  });

  it('when 200,000 similar emails are remembered, then each keeps its own line and none is confused with another', () => {
    const lines = new FirstLinesByEmail();
    for (let index = 0; index < 200_000; index += 1) lines.remember(`teacher.${index}@district.example.org`, index + 2);
    expect(lines.size).to.equal(200_000);
    for (let index = 0; index < 200_000; index += 1) {
      if (lines.get(`teacher.${index}@district.example.org`) !== index + 2) throw new Error(`line of teacher.${index} lost`);
    }
    expect(lines.get('teacher.200000@district.example.org')).to.equal(undefined);
  });

  it('when it is sized for fewer emails than arrive (or for none), then it still grows and keeps every line', () => {
    for (const expected of [0, 10, 50_000]) {
      const lines = new FirstLinesByEmail(expected);
      for (let index = 0; index < 100_000; index += 1) lines.remember(`counselor.${index}@district.example.org`, index + 2);
      expect(lines.size, `sized for ${expected}`).to.equal(100_000);
      for (let index = 0; index < 100_000; index += 1) {
        if (lines.get(`counselor.${index}@district.example.org`) !== index + 2) throw new Error(`line of counselor.${index} lost when sized for ${expected}`);
      }
    }
  });
});
