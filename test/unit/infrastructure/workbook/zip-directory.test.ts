import { expect } from 'chai';
import { readZipDirectory, WORKBOOK_LIMITS, zipLimitExceeded, type ZipEntry } from '../../../../src/infrastructure/workbook/zip-directory';
import { zipFile } from '../../../support/zip-file';

const MB = 1024 * 1024;
const entry = (name: string, compressedBytes: number, uncompressedBytes: number): ZipEntry => ({
  name,
  compressedBytes,
  uncompressedBytes,
  encrypted: false,
  method: 8,
  localHeaderOffset: 0,
});

describe('The zip directory of an uploaded workbook', () => {
  it('when the directory is read, then it lists every part with its declared sizes, nothing inflated', () => {
    const directory = readZipDirectory(
      zipFile([
        { name: 'a.xml', data: 'a'.repeat(1000) },
        { name: 'b.xml', data: 'b', declaredBytes: 7 * MB },
      ]),
    );

    expect(directory.ok).to.equal(true);
    const entries = directory.ok ? directory.entries : [];
    expect(entries.map(({ name, uncompressedBytes }) => [name, uncompressedBytes])).to.deep.equal([
      ['a.xml', 1000],
      ['b.xml', 7 * MB],
    ]);
  });

  it('when the bytes have no end-of-directory record, then they are not a zip', () => {
    expect(readZipDirectory(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]))).to.deep.equal({ ok: false, problem: 'NOT_A_ZIP' });
  });

  it('when a workbook is as large as a full template, then no limit is exceeded', () => {
    expect(zipLimitExceeded([entry('xl/worksheets/sheet1.xml', 4 * MB, 40 * MB), entry('xl/sharedStrings.xml', 3 * MB, 30 * MB)])).to.equal(null);
  });

  it('when there are more parts than the limit, then ENTRIES', () => {
    const entries = Array.from({ length: WORKBOOK_LIMITS.maxEntries + 1 }, (_, index) => entry(`p${index}`, 10, 10));

    expect(zipLimitExceeded(entries)).to.equal('ENTRIES');
    expect(zipLimitExceeded(entries.slice(1))).to.equal(null);
  });

  it('when the parts together unpack past the limit, then UNCOMPRESSED_SIZE', () => {
    const part = WORKBOOK_LIMITS.maxUncompressedBytes / 4;
    const entries = [0, 1, 2, 3].map((index) => entry(`sheet${index}.xml`, part / 10, part));

    expect(zipLimitExceeded(entries)).to.equal(null);
    expect(zipLimitExceeded([...entries, entry('one-more', 1, 1)])).to.equal('UNCOMPRESSED_SIZE');
  });

  it('when a large part is packed more tightly than the limit, then COMPRESSION_RATIO', () => {
    const unpacked = 10 * MB;
    const atLimit = unpacked / WORKBOOK_LIMITS.maxCompressionRatio;

    expect(zipLimitExceeded([entry('sheet1.xml', Math.ceil(atLimit), unpacked)])).to.equal(null);
    expect(zipLimitExceeded([entry('sheet1.xml', Math.floor(atLimit) - 1, unpacked)])).to.equal('COMPRESSION_RATIO');
  });

  it('when a small part is packed tightly, then that is no bomb', () => {
    expect(zipLimitExceeded([entry('xl/styles.xml', 1, WORKBOOK_LIMITS.ratioCheckedFromBytes - 1)])).to.equal(null);
  });
});
