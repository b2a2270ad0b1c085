import { randomFillSync } from 'node:crypto';
import type { RandomSource } from '../../application/ports/random-source';

export class CryptoRandomSource implements RandomSource {
  uint32s(count: number): Uint32Array {
    return randomFillSync(new Uint32Array(count));
  }
}
