import { expect } from 'chai';
import { halfSipHash } from '../../../../src/domain/shared/half-sip-hash';

// The reference implementation's vectors_hsip32 (github.com/veorq/SipHash): key 00 01 … 07, message 00 01 … of each length.
const REFERENCE = [
  0x5b9f35a9, 0xb85a4727, 0x03a662fa, 0x04e7fe8a, 0x89466e2a, 0x69b6fac5, 0x23fc6358, 0xc563cf8b, 0x8f84b8d0, 0x79e706f8, 0x3479b094, 0x50300808,
];

describe('HalfSipHash-2-4', () => {
  it('when the reference key hashes the reference messages, then it gives the reference values', () => {
    const hash = halfSipHash(new Uint32Array([0x03020100, 0x07060504]));
    const message = Uint8Array.from({ length: 64 }, (_, index) => index);
    expect(REFERENCE.map((_, length) => hash(message, 0, length))).to.deep.equal(REFERENCE);
  });

  it('when the bytes lie inside a larger array, then only they are hashed', () => {
    const hash = halfSipHash(new Uint32Array([0x03020100, 0x07060504]));
    const padded = Uint8Array.from({ length: 80 }, (_, index) => (index < 9 ? 0xee : index - 9));
    expect(hash(padded, 9, 9 + 11)).to.equal(REFERENCE[11]);
  });

  it('when the key changes, then the same bytes hash differently', () => {
    const bytes = new TextEncoder().encode('ana@example.org');
    expect(halfSipHash(new Uint32Array([1, 2]))(bytes, 0, bytes.length)).to.not.equal(halfSipHash(new Uint32Array([1, 3]))(bytes, 0, bytes.length));
  });
});
