// OWASP's CSV injection advice: a cell that a spreadsheet would read as a formula gets a leading apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEUTRALIZED = /^'[=+\-@\t\r]/;

export const neutralizeFormula = (cell: string): string => (FORMULA_START.test(cell) ? `'${cell}` : cell);

/** Our fix file may be uploaded as it is, so the apostrophe we added is taken off again. */
export const restoreNeutralized = (cell: string): string => (NEUTRALIZED.test(cell) ? cell.slice(1) : cell);
