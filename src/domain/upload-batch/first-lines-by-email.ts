/**
 * The first line on which each email appeared in a file, for DUPLICATE_IN_FILE. A 300,000-row file
 * would hold 300,000 email strings in a Map (tens of megabytes); this keeps a 64-bit fingerprint and
 * a line number per email in flat typed arrays instead (about 24 bytes per email), so memory stays
 * small and predictable whatever the file. Two different emails share a fingerprint with a chance
 * of about n²/2⁶⁵ (one in ten million files of a million rows); that row would be reported as a duplicate, never lost.
 */
export class FirstLinesByEmail {
  private high: Uint32Array;
  private low: Uint32Array;
  private lines: Uint32Array;
  private count = 0;

  /** Sized for the emails expected (a batch knows its row count), so a large file never pays for growing copies. */
  constructor(expectedEmails = 0) {
    let capacity = 1024;
    while (capacity < expectedEmails * 2) capacity *= 2;
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  get(email: string): number | undefined {
    const [high, low] = fingerprint(email);
    const slot = this.find(high, low);
    return this.lines[slot] === 0 ? undefined : this.lines[slot];
  }

  /** Records the line unless the email was already seen (the first line wins). */
  remember(email: string, lineNumber: number): void {
    const [high, low] = fingerprint(email);
    const slot = this.find(high, low);
    if (this.lines[slot] !== 0) return;
    this.high[slot] = high;
    this.low[slot] = low;
    this.lines[slot] = lineNumber;
    this.count += 1;
    if (this.count * 2 > this.lines.length) this.grow();
  }

  // Open addressing with linear probing; line 0 never occurs (the header is line 1), so it marks an empty slot.
  private find(high: number, low: number): number {
    const mask = this.lines.length - 1;
    let slot = low & mask;
    while (this.lines[slot] !== 0 && (this.high[slot] !== high || this.low[slot] !== low)) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const [high, low, lines] = [this.high, this.low, this.lines];
    this.high = new Uint32Array(lines.length * 2);
    this.low = new Uint32Array(lines.length * 2);
    this.lines = new Uint32Array(lines.length * 2);
    for (let index = 0; index < lines.length; index += 1) {
      if (lines[index] === 0) continue;
      const slot = this.find(high[index], low[index]);
      this.high[slot] = high[index];
      this.low[slot] = low[index];
      this.lines[slot] = lines[index];
    }
  }
}

/** Two independent 32-bit FNV-1a hashes (different offset bases and primes) of the UTF-16 code units. */
const fingerprint = (text: string): [number, number] => {
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    high = Math.imul(high ^ unit, 0x01000193) >>> 0;
    low = Math.imul(low ^ unit, 0x0100019d) >>> 0;
  }
  // A final mix so that similar emails (name1@, name2@) spread over the table's low bits.
  low = Math.imul(low ^ (low >>> 16), 0x85ebca6b) >>> 0;
  low = Math.imul(low ^ (low >>> 13), 0xc2b2ae35) >>> 0;
  return [high, (low ^ (low >>> 16)) >>> 0];
};
