import { expect } from 'chai';
import { SharedStringTable } from '../../../../src/infrastructure/workbook/shared-string-table';

describe("A workbook's shared strings, kept outside the heap", () => {
  it('when many strings are added (past the first allocation), then each reads back by its index, accents included', () => {
    const table = new SharedStringTable(100_000);
    const texts = Array.from({ length: 50_000 }, (_, index) => `Zoë Ødegård ${index}`);
    for (const text of texts) expect(table.add(text)).to.equal(true);

    expect(table.count).to.equal(50_000);
    expect([0, 1, 4_999, 49_999].map((index) => table.text(index))).to.deep.equal([texts[0], texts[1], texts[4_999], texts[49_999]]);
    expect(table.asLookup()[12_345]).to.equal(texts[12_345]);
  });

  it('when the table is full, then the next string is refused and nothing is kept', () => {
    const table = new SharedStringTable(2);

    expect([table.add('a'), table.add(''), table.add('c')]).to.deep.equal([true, true, false]);
    expect(table.count).to.equal(2);
    expect([table.text(1), table.text(2), table.text(-1)]).to.deep.equal(['', '', '']);
  });
});
