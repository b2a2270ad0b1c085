/**
 * A workbook's shared strings (its table of distinct texts, which cells name by index), kept as UTF-8 bytes outside the
 * JavaScript heap: hundreds of thousands of small strings on the heap let the garbage of a long sheet pile up before
 * it is collected (bench/RESULTS.md, issue 19).
 */
export class SharedStringTable {
  private bytes = Buffer.alloc(64 * 1024);
  private ends = new Uint32Array(1024);
  private used = 0;
  count = 0;

  constructor(private readonly maxCount: number) {}

  /** False, and nothing kept, once the table would hold more than its limit. */
  add(text: string): boolean {
    if (this.count >= this.maxCount) return false;
    const length = Buffer.byteLength(text);
    if (this.used + length > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(this.bytes.length * 2, this.used + length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    if (this.count === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.used += this.bytes.write(text, this.used);
    this.ends[this.count] = this.used;
    this.count += 1;
    return true;
  }

  /** The text at `index`; empty for an index the table does not have (a damaged sheet). */
  text(index: number): string {
    if (!(index >= 0 && index < this.count)) return '';
    return this.bytes.toString('utf8', index === 0 ? 0 : this.ends[index - 1], this.ends[index]);
  }

  /** The table as exceljs's worksheet reader indexes it (`sharedStrings[index]`). */
  asLookup(): readonly string[] {
    return new Proxy([] as string[], {
      get: (target, key): unknown => (typeof key === 'string' && /^\d+$/.test(key) ? this.text(Number(key)) : (Reflect.get(target, key) as unknown)),
    });
  }
}
