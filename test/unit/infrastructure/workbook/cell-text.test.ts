import { expect } from 'chai';
import { cellText } from '../../../../src/infrastructure/workbook/cell-text';

const day = (year: number, month: number, date: number, hours = 0, minutes = 0, seconds = 0): Date =>
  new Date(Date.UTC(year, month - 1, date, hours, minutes, seconds));

describe('A workbook cell as the text the admin sees', () => {
  const cases: { what: string; value: Parameters<typeof cellText>[0]; numFmt?: string; shown: string }[] = [
    { what: 'a whole number in General', value: 12345, numFmt: 'General', shown: '12345' },
    { what: 'a whole number with no format', value: 12345, shown: '12345' },
    { what: 'a decimal in General', value: 3.5, shown: '3.5' },
    { what: 'a float that is not exact in binary', value: 0.1 + 0.2, shown: '0.3' },
    { what: 'a long number in General', value: 123456789012, shown: '1.23457E+11' },
    { what: 'a negative number', value: -42, shown: '-42' },
    { what: 'an ID formatted 00000', value: 123, numFmt: '00000', shown: '00123' },
    { what: 'two decimals', value: 2, numFmt: '0.00', shown: '2.00' },
    { what: 'thousands', value: 1234567.891, numFmt: '#,##0.00', shown: '1,234,567.89' },
    { what: 'a percentage', value: 0.125, numFmt: '0.0%', shown: '12.5%' },
    { what: 'scientific', value: 1000, numFmt: '0.00E+00', shown: '1.00E+03' },
    { what: 'a negative in its own section', value: -5, numFmt: '0;(0)', shown: '(5)' },
    { what: 'quoted text around a number', value: 7, numFmt: '"No. "0', shown: 'No. 7' },
    { what: 'a currency tag', value: 5, numFmt: '[$€-407]0.00', shown: '€5.00' },
    { what: 'a number formatted as Text', value: 42, numFmt: '@', shown: '42' },
    { what: 'text with leading zeros', value: '00123', numFmt: '@', shown: '00123' },
    { what: 'a date (as exceljs gives it) in US format', value: day(2024, 1, 15), numFmt: 'm/d/yyyy', shown: '1/15/2024' },
    { what: "a date in LibreOffice's ISO format", value: day(2024, 1, 15), numFmt: 'yyyy\\-mm\\-dd', shown: '2024-01-15' },
    { what: 'a date in built-in format 14', value: day(2024, 1, 5), numFmt: 'mm-dd-yy', shown: '1/5/2024' },
    { what: 'a date with month names', value: day(2024, 3, 9), numFmt: 'dddd, mmmm d, yyyy', shown: 'Saturday, March 9, 2024' },
    { what: 'a time with minutes and AM/PM', value: day(2024, 1, 15, 14, 5), numFmt: 'h:mm AM/PM', shown: '2:05 PM' },
    { what: 'a date serial (a formula result) in a date format', value: 45306, numFmt: 'mm/dd/yy', shown: '01/15/24' },
    { what: 'TRUE', value: true, shown: 'TRUE' },
    { what: 'rich text', value: { richText: [{ text: 'Ada ' }, { text: 'Lovelace' }] }, shown: 'Ada Lovelace' },
    { what: "a formula's result", value: { formula: 'A1&B1', result: 'ada@school.org' }, shown: 'ada@school.org' },
    { what: "a formula's number result in its format", value: { formula: 'A1+1', result: 42 }, numFmt: '000', shown: '042' },
    { what: 'an error', value: { error: '#N/A' }, shown: '#N/A' },
    { what: 'an empty cell', value: null, shown: '' },
  ];
  for (const { what, value, numFmt, shown } of cases) {
    it(`when the cell holds ${what}${numFmt ? ` (${numFmt})` : ''}, then it reads "${shown}"`, () => {
      expect(cellText(value, numFmt)).to.equal(shown);
    });
  }
});
