import { pipeline, Readable } from 'node:stream';
import { expect } from 'chai';
import fc from 'fast-check';
import { CsvError, Parser } from 'csv-parse';
import { parse as parseWholeText } from 'csv-parse/sync';
import { cellsInLine, CsvRecordReader, type CsvDelimiter, type CsvFailure, type CsvRecord } from '../../../../src/infrastructure/csv/csv-records';

// csv-parse is the oracle: the upload rules and their messages were written against what it accepted and refused.

interface Reading {
  records: CsvRecord[];
  failure: CsvFailure | undefined;
}

const RUNS = 1000;
const DELIMITERS: CsvDelimiter[] = [',', ';', '\t'];
// Every character the parsers treat specially, next to plain ASCII and characters of two, three and four bytes.
const PIECES = ['a', 'Z', ' ', ',', ';', '\t', '"', '""', '\r', '\n', '\r\n', 'é', '中', '😀', '\uFEFF'];

async function* inPieces(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  for (let offset = 0, turn = 0; offset < bytes.length; turn += 1) {
    const size = sizes[turn % sizes.length];
    yield Buffer.from(bytes.subarray(offset, offset + size));
    offset += size;
  }
}

async function ourReading(bytes: Buffer, sizes: number[], delimiter: CsvDelimiter, maxRecordBytes: number): Promise<Reading> {
  const reader = new CsvRecordReader(delimiter, maxRecordBytes);
  const records: CsvRecord[] = [];
  for await (const batch of reader.batches(inPieces(bytes, sizes))) records.push(...batch);
  return { records, failure: reader.failure };
}

/** csv-parse fails its stream on malformed text and drops the records of that chunk; these are kept, as the reader did. */
class RecordsBeforeFailure extends Parser {
  failure: CsvError | undefined;

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    super._transform(chunk, encoding, (error?: Error | null) => {
      if (!(error instanceof CsvError)) return callback(error);
      this.failure = error;
      this.push(null);
    });
  }

  override _flush(callback: (error?: Error | null) => void): void {
    super._flush((error?: Error | null) => {
      if (!(error instanceof CsvError)) return callback(error);
      this.failure = error;
      callback();
    });
  }
}

/** Line ends in a cell, and how many of them are CRLF pairs, which csv-parse's own line count counts twice. */
function lineEndsInCell(cell: string): { total: number; crLfPairs: number } {
  const total = cell.match(/\r\n|\r|\n/g)?.length ?? 0;
  const crLfPairs = cell.match(/\r\n/g)?.length ?? 0;
  return { total, crLfPairs };
}

const FAILURE_CODES: Record<string, CsvFailure['code']> = {
  CSV_QUOTE_NOT_CLOSED: 'QUOTE_NEVER_CLOSED',
  CSV_INVALID_CLOSING_QUOTE: 'TEXT_AFTER_CLOSING_QUOTE',
  INVALID_OPENING_QUOTE: 'QUOTE_INSIDE_UNQUOTED_CELL',
  CSV_MAX_RECORD_SIZE: 'RECORD_TOO_LARGE',
};

/** csv-parse with the options the template reader passed it, lines numbered from the records as the reader numbered them. */
async function csvParseReading(bytes: Buffer, sizes: number[], delimiter: CsvDelimiter, maxRecordBytes: number): Promise<Reading> {
  const parser = new RecordsBeforeFailure({ delimiter, recordDelimiter: ['\r\n', '\n', '\r'], relaxColumnCount: true, maxRecordSize: maxRecordBytes });
  const settled = new Promise((resolve) => pipeline(Readable.from(inPieces(bytes, sizes)), parser, resolve));
  const records: CsvRecord[] = [];
  let line = 1;
  let quotedCrLfPairs = 0;
  for await (const cells of parser as AsyncIterable<string[]>) {
    records.push({ line, cells });
    const ends = cells.map(lineEndsInCell);
    line += 1 + ends.reduce((sum, end) => sum + end.total, 0);
    quotedCrLfPairs += ends.reduce((sum, end) => sum + end.crLfPairs, 0);
  }
  parser.destroy();
  await settled;
  const error = parser.failure;
  if (!error) return { records, failure: undefined };
  const code = FAILURE_CODES[error.code];
  if (code === undefined) throw error;
  if (code !== 'RECORD_TOO_LARGE') return { records, failure: { code, line } };
  return { records, failure: { code, line, crossedLineEnd: (error as CsvError & { lines: number }).lines > line + quotedCrLfPairs } };
}

const text = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...PIECES), maxLength });
// Mostly well-formed rows (quoted or not), so that the records after the first few characters get compared too.
const cell = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', ' ', 'é', '中', '😀'), maxLength: 6 }),
  text(6).map((value) => `"${value.replace(/"/g, '""')}"`),
  text(4),
);
const rows = (delimiter: CsvDelimiter): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.array(cell, { minLength: 1, maxLength: 5 }), fc.constantFrom('\r\n', '\n', '\r')), { maxLength: 8 })
    .map((lines) => lines.map(([cells, end]) => cells.join(delimiter) + end).join(''));
const input = fc.constantFrom(...DELIMITERS).chain((delimiter) =>
  fc.record({
    delimiter: fc.constant(delimiter),
    text: fc.oneof(
      text(60),
      rows(delimiter),
      fc.tuple(rows(delimiter), text(6)).map(([before, after]) => before + after),
    ),
    maxRecordBytes: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(65536)),
    sizes: fc.oneof(fc.constant<number[]>([1]), fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 6 }), fc.constant<number[]>([1 << 20])),
  }),
);

/** The header guess: csv-parse with relaxed quotes, a line it could not finish being closed with a quotation mark. */
function csvParseCellsInLine(line: string, delimiter: CsvDelimiter): number {
  for (const candidate of [line, `${line}"`]) {
    try {
      return parseWholeText(candidate, { delimiter, relaxQuotes: true, relaxColumnCount: true })[0]?.length ?? 0;
    } catch {
      // Tried again closed, as the reader did.
    }
  }
  return 0;
}

describe('CsvRecordReader against csv-parse', () => {
  it('when random CSV-like text arrives in random pieces, then it yields the records, lines and failure csv-parse yielded', async () => {
    await fc.assert(
      fc.asyncProperty(input, async ({ delimiter, text: generated, maxRecordBytes, sizes }) => {
        const bytes = Buffer.from(generated, 'utf8');

        const ours = await ourReading(bytes, sizes, delimiter, maxRecordBytes);

        expect(ours).to.deep.equal(await csvParseReading(bytes, sizes, delimiter, maxRecordBytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('when a random line is counted for the header guess, then it has as many cells as csv-parse with relaxed quotes found', () => {
    const line = fc.string({ unit: fc.constantFrom('a', ' ', ',', ';', '\t', '"', '""', 'é', '😀'), maxLength: 24 });
    fc.assert(
      fc.property(line, fc.constantFrom(...DELIMITERS), (generated, delimiter) => {
        expect(cellsInLine(generated, delimiter)).to.equal(csvParseCellsInLine(generated, delimiter));
      }),
      { numRuns: RUNS },
    );
  });
});
