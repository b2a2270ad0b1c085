import { FIX_FILE_COLUMNS, TEMPLATE_COLUMNS } from '../../domain/upload-batch/educator-template';
import { neutralizeFormula } from '../../domain/upload-batch/spreadsheet-safety';
import type { StoredFailure } from '../../application/ports/upload-batches';

// Any list separator, not only ours: a cell holding one stays one cell wherever the file is opened.
const quote = (cell: string): string => (/[",;\t\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

const line = (cells: string[]): string => `${cells.map((cell) => quote(neutralizeFormula(cell))).join(',')}\r\n`;

/**
 * The fix file: each failed row with its original values, then Line Number and Reason. UTF-8 with a
 * BOM so Excel shows accents, CRLF as Excel writes, and uploadable again as it is.
 */
export async function* failuresCsv(failures: AsyncIterable<StoredFailure>): AsyncGenerator<string> {
  yield `\uFEFF${line([...TEMPLATE_COLUMNS, ...FIX_FILE_COLUMNS])}`;
  for await (const failure of failures) {
    const templateCells = TEMPLATE_COLUMNS.map((_, index) => failure.cells[index] ?? '');
    yield line([...templateCells, String(failure.lineNumber), failure.reason]);
  }
}
