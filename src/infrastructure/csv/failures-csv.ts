import { FIX_FILE_COLUMNS, TEMPLATE_COLUMNS } from '../../domain/upload-batch/educator-template';
import { neutralizeFormula } from '../../domain/upload-batch/spreadsheet-safety';
import type { StoredFailure } from '../../application/ports/upload-batches';

// Any list separator, not only ours: a cell holding one stays one cell wherever the file is opened.
const quote = (cell: string): string => (/[",;\t\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

const csvLine = (cells: string[]): string => cells.map(quote).join(',');

const line = (cells: string[]): string => `${csvLine(cells.map(neutralizeFormula))}\r\n`;

/** A check's row corrected in the page: the file shows the corrected cells, which its accounts will be created from. */
const CORRECTED_NOTE = 'Corrected in the page: these values replace the line when the accounts are created. The check had found:';

const WHOLE_ROW_NOTE = 'The whole row is under First Name as it was typed: put each value in its own column.';

/**
 * A row with more cells than the template's columns does not fit them: it is written whole, as the CSV line of its
 * cells, under First Name, so that nothing typed is lost or shown under the wrong heading. Shorter rows are written
 * cell for cell, the missing cells empty.
 */
const templateCellsOf = (failure: StoredFailure): string[] =>
  failure.cells.length > TEMPLATE_COLUMNS.length
    ? [csvLine(failure.cells), ...TEMPLATE_COLUMNS.slice(1).map(() => '')]
    : TEMPLATE_COLUMNS.map((_, index) => failure.cells[index] ?? '');

/**
 * The fix file: each failed row with its original values (on a check, a row corrected in the page with its corrected ones), then Line Number and Reason. UTF-8 with a
 * BOM so Excel shows accents, CRLF as Excel writes, and uploadable again as it is.
 */
export async function* failuresCsv(failures: AsyncIterable<StoredFailure>): AsyncGenerator<string> {
  yield `\uFEFF${line([...TEMPLATE_COLUMNS, ...FIX_FILE_COLUMNS])}`;
  for await (const failure of failures) {
    if (failure.correction) {
      yield line([...failure.correction.cells, String(failure.lineNumber), `${CORRECTED_NOTE} ${failure.reason}`]);
      continue;
    }
    const reason = failure.cells.length > TEMPLATE_COLUMNS.length ? `${failure.reason} ${WHOLE_ROW_NOTE}` : failure.reason;
    yield line([...templateCellsOf(failure), String(failure.lineNumber), reason]);
  }
}
