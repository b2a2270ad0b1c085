/** Numbers nobody can predict, for keys an uploaded file must not be able to guess. */
export interface RandomSource {
  uint32s(count: number): Uint32Array;
}
