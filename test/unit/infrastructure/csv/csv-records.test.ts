import { expect } from 'chai';
import { cellsInLine, CsvRecordReader, type CsvDelimiter, type CsvFailure, type CsvRecord } from '../../../../src/infrastructure/csv/csv-records';

interface Reading {
  records: CsvRecord[];
  failure: CsvFailure | undefined;
}

const NO_LIMIT = 65536;

/** Reads text given as the exact byte pieces it arrives in. */
function readPieces(pieces: Buffer[], options: { delimiter?: CsvDelimiter; maxRecordBytes?: number } = {}): Reading {
  const reader = new CsvRecordReader(options.delimiter ?? ',', options.maxRecordBytes ?? NO_LIMIT);
  const records = pieces.flatMap((piece) => reader.read(piece));
  records.push(...reader.end());
  return { records, failure: reader.failure };
}

const read = (text: string, options: { delimiter?: CsvDelimiter; maxRecordBytes?: number } = {}): Reading => readPieces([Buffer.from(text)], options);

/** The text split at each of the given string offsets. */
const splitAt = (text: string, ...offsets: number[]): Buffer[] =>
  [0, ...offsets, text.length].slice(1).map((end, index, ends) => Buffer.from(text.slice(index === 0 ? 0 : ends[index - 1], end)));

const byteByByte = (text: string): Buffer[] => [...Buffer.from(text)].map((byte) => Buffer.from([byte]));

describe('CsvRecordReader', () => {
  describe('records and cells', () => {
    it('when rows end with CRLF, LF or a lone CR, then each is one record numbered by its physical line', () => {
      expect(read('a,b\r\nc,d\ne,f\rg,h').records).to.deep.equal([
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['c', 'd'] },
        { line: 3, cells: ['e', 'f'] },
        { line: 4, cells: ['g', 'h'] },
      ]);
    });

    it('when the delimiter is a semicolon or a tab, then only it splits cells', () => {
      expect(read('a;b,c\tdx\n', { delimiter: ';' }).records).to.deep.equal([{ line: 1, cells: ['a', 'b,c\tdx'] }]);
      expect(read('a;b,c\tdx\n', { delimiter: '\t' }).records).to.deep.equal([{ line: 1, cells: ['a;b,c', 'dx'] }]);
    });

    it('when rows have different numbers of cells, then each keeps its own', () => {
      expect(read('a\nb,c,d\n').records.map((record) => record.cells)).to.deep.equal([['a'], ['b', 'c', 'd']]);
    });

    it('when a line is empty, then it is a record of one empty cell, and a final line end adds no record', () => {
      expect(read('a\n\n\r\nb\n').records).to.deep.equal([
        { line: 1, cells: ['a'] },
        { line: 2, cells: [''] },
        { line: 3, cells: [''] },
        { line: 4, cells: ['b'] },
      ]);
    });

    it('when the text ends without a line end or right after a delimiter, then the last record still counts', () => {
      expect(read('a,b').records).to.deep.equal([{ line: 1, cells: ['a', 'b'] }]);
      expect(read('a,').records).to.deep.equal([{ line: 1, cells: ['a', ''] }]);
    });

    it('when the text is empty, then there are no records', () => {
      expect(read('')).to.deep.equal({ records: [], failure: undefined });
    });

    it('when cells have surrounding spaces or a byte-order mark, then they are kept as written', () => {
      expect(read(' a , \uFEFFb\n').records[0].cells).to.deep.equal([' a ', ' \uFEFFb']);
    });
  });

  describe('quoted cells', () => {
    it('when cells are quoted, then delimiters stay in them, doubled quotes become one and empty quotes are an empty cell', () => {
      expect(read('"a,b","say ""hi""","",x\n').records[0].cells).to.deep.equal(['a,b', 'say "hi"', '', 'x']);
    });

    it('when quoted cells hold line ends, then they are kept and the next record is numbered after them, a CRLF counting once', () => {
      expect(read('"1\r\n2\n3\r4",x\r\nnext\n').records).to.deep.equal([
        { line: 1, cells: ['1\r\n2\n3\r4', 'x'] },
        { line: 5, cells: ['next'] },
      ]);
    });

    it('when the text ends right after a quoted cell, then the record counts, even a lone empty quoted cell', () => {
      expect(read('a,"b"').records).to.deep.equal([{ line: 1, cells: ['a', 'b'] }]);
      expect(read('x\n""').records).to.deep.equal([
        { line: 1, cells: ['x'] },
        { line: 2, cells: [''] },
      ]);
    });
  });

  describe('chunk boundaries', () => {
    const text = 'Zoë,"a ""b"", c"\r\n"😀\r\nx",李\rend\n';
    const expected = [
      { line: 1, cells: ['Zoë', 'a "b", c'] },
      { line: 2, cells: ['😀\r\nx', '李'] },
      { line: 4, cells: ['end'] },
    ];

    it('when the text arrives whole, then it reads as expected', () => {
      expect(read(text)).to.deep.equal({ records: expected, failure: undefined });
    });

    it('when a chunk ends between the CR and the LF of a CRLF, then they end one line, not two', () => {
      expect(readPieces(splitAt('a,b\r\nc\r\n', 4, 7))).to.deep.equal({
        records: [
          { line: 1, cells: ['a', 'b'] },
          { line: 2, cells: ['c'] },
        ],
        failure: undefined,
      });
    });

    it('when a chunk ends with a lone CR and the next starts with text, then the CR ended the record', () => {
      expect(readPieces(splitAt('a\rb\r', 2, 3)).records).to.deep.equal([
        { line: 1, cells: ['a'] },
        { line: 2, cells: ['b'] },
      ]);
    });

    it('when chunks split an opening quote, a closing quote or a doubled quote from what follows, then the cells are unchanged', () => {
      for (const offset of [4, 5, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 24, 25]) {
        expect(readPieces(splitAt(text, offset)), `split at ${offset}`).to.deep.equal({ records: expected, failure: undefined });
      }
    });

    it('when chunks split multi-byte characters (2, 3 and 4 bytes) inside and outside quotes, then the characters are rebuilt', () => {
      expect(readPieces(byteByByte(text))).to.deep.equal({ records: expected, failure: undefined });
    });

    it('when a quoted cell spans many chunks, then it is one cell', () => {
      const long = 'x'.repeat(1000);
      expect(readPieces(splitAt(`"${long}""${long}",y\n`, 300, 1001, 1002, 1500)).records).to.deep.equal([{ line: 1, cells: [`${long}"${long}`, 'y'] }]);
    });
  });

  describe('malformed text', () => {
    it('when a quoted cell is never closed, then the records before it are read and the failure names the line it opens on', () => {
      expect(read('a\n"b\nc,d\n')).to.deep.equal({ records: [{ line: 1, cells: ['a'] }], failure: { code: 'QUOTE_NEVER_CLOSED', line: 2 } });
    });

    it('when text follows a closing quote in the same cell, then the records before it are read and the failure names its line', () => {
      expect(read('a\n"b\nc" d,e\nf\n')).to.deep.equal({ records: [{ line: 1, cells: ['a'] }], failure: { code: 'TEXT_AFTER_CLOSING_QUOTE', line: 2 } });
    });

    it('when a quote stands inside an unquoted cell, then the failure names its line', () => {
      expect(read('a\nb\nc "d"\n')).to.deep.equal({
        records: [
          { line: 1, cells: ['a'] },
          { line: 2, cells: ['b'] },
        ],
        failure: { code: 'QUOTE_INSIDE_UNQUOTED_CELL', line: 3 },
      });
    });

    it('when a space comes before an opening quote, then the quote is inside an unquoted cell', () => {
      expect(read('a, "b"\n').failure).to.deep.equal({ code: 'QUOTE_INSIDE_UNQUOTED_CELL', line: 1 });
    });

    it('when a record fails, then later chunks are not read', () => {
      const reader = new CsvRecordReader(',', NO_LIMIT);
      expect(reader.read(Buffer.from('a\n"b" c\n'))).to.deep.equal([{ line: 1, cells: ['a'] }]);

      expect(reader.read(Buffer.from('d\n'))).to.deep.equal([]);
      expect(reader.end()).to.deep.equal([]);
      expect(reader.failure).to.deep.equal({ code: 'TEXT_AFTER_CLOSING_QUOTE', line: 2 });
    });
  });

  describe('record size limit', () => {
    it('when a record has one byte more than the limit, then it is read, as csv-parse read it; two more, and it is too large', () => {
      expect(read('abc,de\n', { maxRecordBytes: 4 }).records).to.deep.equal([{ line: 1, cells: ['abc', 'de'] }]);
      expect(read('x\nabc,def\n', { maxRecordBytes: 4 })).to.deep.equal({
        records: [{ line: 1, cells: ['x'] }],
        failure: { code: 'RECORD_TOO_LARGE', line: 2, crossedLineEnd: false },
      });
    });

    it('when the cell being read has multi-byte characters, then its bytes count', () => {
      expect(read('ééé\n', { maxRecordBytes: 4 }).failure).to.deep.equal({ code: 'RECORD_TOO_LARGE', line: 1, crossedLineEnd: false });
    });

    it('when a quoted cell passed a line end before the limit, then the failure says the record crossed a line end', () => {
      expect(read('"ab\ncdef"\n', { maxRecordBytes: 4 }).failure).to.deep.equal({ code: 'RECORD_TOO_LARGE', line: 1, crossedLineEnd: true });
      expect(read('"a\nb",cdef\n', { maxRecordBytes: 4 }).failure).to.deep.equal({ code: 'RECORD_TOO_LARGE', line: 1, crossedLineEnd: true });
      expect(read('"abcdef\n"\n', { maxRecordBytes: 4 }).failure).to.deep.equal({ code: 'RECORD_TOO_LARGE', line: 1, crossedLineEnd: false });
    });

    it('when a record grows past the limit without ending, then it fails at once rather than holding on to the rest', () => {
      const reader = new CsvRecordReader(',', 100);
      reader.read(Buffer.from(`"${'x'.repeat(60)}`));
      expect(reader.failure).to.equal(undefined);

      reader.read(Buffer.from('x'.repeat(60)));

      expect(reader.failure).to.deep.equal({ code: 'RECORD_TOO_LARGE', line: 1, crossedLineEnd: false });
    });
  });
});

describe('cellsInLine', () => {
  it('when the line has delimiters outside and inside quotes, then only those outside split it', () => {
    expect(cellsInLine('"a,b",c,d', ',')).to.equal(3);
    expect(cellsInLine('a;b;c,d', ';')).to.equal(3);
  });

  it('when a quote is misplaced, then it is read as text and the delimiters after it still count', () => {
    expect(cellsInLine('a "b",c,d', ',')).to.equal(3);
    expect(cellsInLine('"a" b,c', ',')).to.equal(2);
  });

  it('when a quoted cell is still open at the end of the line, then the line ends it', () => {
    expect(cellsInLine('a,b,"c,d', ',')).to.equal(3);
  });

  it('when the line is empty, then it has no cells', () => {
    expect(cellsInLine('', ',')).to.equal(0);
  });
});
