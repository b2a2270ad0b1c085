export interface CsvLimits {
  maxRowBytes: number;
  maxDataRows: number;
}

export type CsvRejectionCode =
  'NOT_A_CSV' | 'EMPTY_FILE' | 'HEADER_ONLY' | 'TEMPLATE_CHANGED' | 'UNTERMINATED_QUOTE' | 'ROW_TOO_LARGE' | 'TOO_MANY_ROWS' | 'INVALID_ENCODING';

export type TemplateCsvEvent =
  | { type: 'header'; templateColumnCount: number; ignoredTrailingColumns: number; delimiter: ',' | ';' | '\t'; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' }
  | { type: 'record'; lineNumber: number; cells: string[] }
  | { type: 'rejected'; code: CsvRejectionCode; reason: string };

/** Streams a template file: the header, then each record with its physical line, or one terminal rejection. */
export type ReadTemplateCsv = (source: AsyncIterable<Buffer | Uint8Array>, limits: CsvLimits) => AsyncGenerator<TemplateCsvEvent>;
