/**
 * Where a spreadsheet may start a cell inside one of ours: our file quotes any cell holding a separator, but opened
 * where `;` or a tab separates lists (common Excel locales), the quotes are no longer at a cell's start and are read
 * as text, so every separator and line end inside a cell starts a new one.
 */
const CELL_BREAK = /([,;\t\r\n])/;

/**
 * What a spreadsheet reads as a formula once it trims a cell's start: spaces (no-break, zero-width and other invisible
 * ones too) and a quotation mark it takes for quoting, then `= + - @` or their full-width, small or minus-sign forms.
 * Leading apostrophes are part of the pattern so that neutralising (one apostrophe more) can always be undone.
 */
const FORMULA = /^'*[\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"]*[=+\-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b\u2212]/;

const eachCellStart = (cell: string, change: (stretch: string) => string): string =>
  CELL_BREAK.test(cell)
    ? cell
        .split(CELL_BREAK)
        .map((piece, index) => (index % 2 === 1 ? piece : change(piece)))
        .join('')
    : change(cell);

/**
 * OWASP's CSV injection advice, applied at every place a cell may start: what would read as a formula gets a leading
 * apostrophe, the prefix spreadsheets take for "this is text" and do not show at the start of a cell.
 */
export const neutralizeFormula = (cell: string): string => eachCellStart(cell, (stretch) => (FORMULA.test(stretch) ? `'${stretch}` : stretch));

/** Our fix file may be uploaded as it is, so each apostrophe we added is taken off again, and only those. */
export const restoreNeutralized = (cell: string): string =>
  eachCellStart(cell, (stretch) => (stretch.startsWith("'") && FORMULA.test(stretch) ? stretch.slice(1) : stretch));
