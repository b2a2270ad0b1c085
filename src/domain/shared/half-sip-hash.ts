/** A 32-bit hash of `bytes[start, end)`. */
export type KeyedHash = (bytes: Uint8Array, start: number, end: number) => number;

/**
 * HalfSipHash-2-4 (Aumasson and Bernstein's SipHash on 32-bit words) with a 64-bit key: without the key, nobody can
 * choose inputs that share a hash, which is what keeps a hash table fed with uploaded text from being flooded.
 */
export const halfSipHash = (key: Uint32Array): KeyedHash => {
  const k0 = key[0] | 0;
  const k1 = key[1] | 0;
  return (bytes, start, end) => {
    const length = end - start;
    let v0 = k0;
    let v1 = k1;
    let v2 = 0x6c796765 ^ k0;
    let v3 = 0x74656462 ^ k1;
    const whole = end - (length % 4);
    // Every whole word, then the last bytes with the length in the top byte, then the finalization's four rounds.
    for (let at = start; at <= whole + 4; at += 4) {
      let word = 0;
      let rounds = 2;
      if (at < whole) {
        word = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
      } else if (at === whole) {
        word = length << 24;
        for (let tail = whole; tail < end; tail += 1) word |= bytes[tail] << (8 * (tail - whole));
      } else {
        v2 ^= 0xff;
        rounds = 4;
      }
      v3 ^= word;
      for (let round = 0; round < rounds; round += 1) {
        v0 = (v0 + v1) | 0;
        v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0;
        v0 = (v0 << 16) | (v0 >>> 16);
        v2 = (v2 + v3) | 0;
        v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2;
        v0 = (v0 + v3) | 0;
        v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0;
        v2 = (v2 + v1) | 0;
        v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2;
        v2 = (v2 << 16) | (v2 >>> 16);
      }
      v0 ^= word;
    }
    return (v1 ^ v3) >>> 0;
  };
};
