export interface CsvLimits {
  maxRowBytes: number;
  maxDataRows: number;
}

export type CsvRejectionCode =
  | 'NOT_A_CSV'
  | 'EMPTY_FILE'
  | 'HEADER_ONLY'
  | 'TEMPLATE_CHANGED'
  | 'UNTERMINATED_QUOTE'
  | 'ROW_TOO_LARGE'
  | 'TOO_MANY_ROWS'
  | 'INVALID_ENCODING'
  // A workbook (.xlsx) is read from its first sheet; these refuse the workbooks that cannot be read safely.
  | 'LEGACY_WORKBOOK'
  | 'MACRO_ENABLED_WORKBOOK'
  | 'ENCRYPTED_WORKBOOK'
  | 'WORKBOOK_TOO_LARGE'
  | 'UNREADABLE_WORKBOOK';

export type TemplateCsvEvent =
  | { type: 'header'; templateColumnCount: number; ignoredTrailingColumns: number; delimiter: ',' | ';' | '\t'; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' }
  | { type: 'header'; templateColumnCount: number; ignoredTrailingColumns: number; sheet: string }
  | { type: 'record'; lineNumber: number; cells: string[] }
  | { type: 'rejected'; code: CsvRejectionCode; reason: string };

/** Streams a template file (CSV, or a workbook's first sheet): the header, then each record with its line (a sheet's row number), or one terminal rejection. */
export type ReadTemplateCsv = (source: AsyncIterable<Buffer | Uint8Array>, limits: CsvLimits) => AsyncGenerator<TemplateCsvEvent>;
