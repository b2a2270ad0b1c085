import { fail, ok, type Result } from '../shared/result';
import { FIX_FILE_COLUMNS, TEMPLATE_COLUMNS } from './educator-template';

export interface TemplateHeader {
  templateColumnCount: number;
  /** Cells after the template's columns that rows may carry and the reader leaves alone: a fix file's Line Number and Reason, and empty headings Excel writes. */
  ignoredTrailingColumns: number;
}

export interface TemplateChanged {
  code: 'TEMPLATE_CHANGED';
  reason: string;
}

const comparable = (name: string): string => name.trim().toLowerCase();

export function compareHeader(cells: string[]): Result<TemplateHeader, TemplateChanged> {
  const names = withoutTrailingBlanks(cells.map((cell) => cell.trim()));
  const isTemplate = names.length === TEMPLATE_COLUMNS.length && matchesAt(names, TEMPLATE_COLUMNS, 0);
  const isFixFile =
    names.length === TEMPLATE_COLUMNS.length + FIX_FILE_COLUMNS.length &&
    matchesAt(names, TEMPLATE_COLUMNS, 0) &&
    matchesAt(names, FIX_FILE_COLUMNS, TEMPLATE_COLUMNS.length);
  if (isTemplate || isFixFile) {
    return ok({ templateColumnCount: TEMPLATE_COLUMNS.length, ignoredTrailingColumns: cells.length - TEMPLATE_COLUMNS.length });
  }
  return fail({ code: 'TEMPLATE_CHANGED', reason: describeDifference(names) });
}

function withoutTrailingBlanks(names: string[]): string[] {
  let end = names.length;
  while (end > 0 && names[end - 1] === '') end -= 1;
  return names.slice(0, end);
}

function matchesAt(names: string[], expected: readonly string[], start: number): boolean {
  return expected.every((column, index) => comparable(names[start + index] ?? '') === comparable(column));
}

function describeDifference(names: string[]): string {
  // A fix file that was edited still deserves to be described against its own layout.
  const fixFileColumnsPresent = FIX_FILE_COLUMNS.every((column) => names.some((name) => comparable(name) === comparable(column)));
  const expected: readonly string[] = fixFileColumnsPresent ? [...TEMPLATE_COLUMNS, ...FIX_FILE_COLUMNS] : TEMPLATE_COLUMNS;
  const expectedPosition = new Map(expected.map((column, index) => [comparable(column), index]));
  const present = new Set(names.map(comparable));
  const timesSeen = new Map<string, number>();
  for (const name of names) if (name !== '') timesSeen.set(comparable(name), (timesSeen.get(comparable(name)) ?? 0) + 1);

  const missing = TEMPLATE_COLUMNS.filter((column) => !present.has(comparable(column)));
  const unexpected = firstSpellings(names.filter((name) => name !== '' && !expectedPosition.has(comparable(name))));
  const repeated = firstSpellings(names.filter((name) => (timesSeen.get(comparable(name)) ?? 0) > 1));
  const unnamedPositions = names.flatMap((name, index) => (name === '' ? [index + 1] : []));
  const knownInFileOrder = [...new Set(names.map(comparable).filter((name) => expectedPosition.has(name)))];
  const outOfOrder = knownInFileOrder.some((name, index) => index > 0 && expectedPosition.get(name)! < expectedPosition.get(knownInFileOrder[index - 1])!);

  const problems = [
    listing('Missing column', missing),
    listing('Unexpected column', unexpected),
    listing('Repeated column', repeated),
    unnamedPositions.length === 1 ? `Column ${unnamedPositions[0]} has no heading.` : undefined,
    unnamedPositions.length > 1 ? `Columns ${unnamedPositions.join(', ')} have no heading.` : undefined,
    outOfOrder ? `Columns are in a different order: ${names.filter((name) => name !== '').join(', ')}.` : undefined,
  ].filter((problem): problem is string => problem !== undefined);
  return `${problems.join(' ')} Expected: ${expected.join(', ')}`;
}

function firstSpellings(names: string[]): string[] {
  const byComparable = new Map<string, string>();
  for (const name of names) if (!byComparable.has(comparable(name))) byComparable.set(comparable(name), name);
  return [...byComparable.values()];
}

function listing(label: string, names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  return `${label}${names.length > 1 ? 's' : ''}: ${names.join(', ')}.`;
}
