/**
 * A workbook cell as the text the admin sees in the spreadsheet program: its value rendered through the cell's number
 * format, so 12345 stays "12345" (not "12345.0"), a date is the date shown (not its serial), and a format like 00000
 * keeps the leading zeros it shows.
 */

/** A cell's value as exceljs's streaming reader gives it. */
export type CellValue =
  | null
  | undefined
  | string
  | number
  | boolean
  | Date
  | { richText: { text: string }[] }
  | { formula: string; result?: string | number | boolean | Date | { error: string } }
  | { error: string }
  | { text: string; hyperlink: string };

const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** Day 0 of Excel's (1900) date system, as a Unix time: serial 25569 is 1970-01-01. */
const EXCEL_EPOCH_MS = -25569 * MS_PER_DAY;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Excel shows built-in format 14 as the machine's short date; exceljs names it 'mm-dd-yy', which US Excel shows as 1/15/2024. */
const BUILT_IN_SHORT_DATE = 'mm-dd-yy';
const US_SHORT_DATE = 'm/d/yyyy';

export function cellText(value: CellValue, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return formatNumber(value, numFmt);
  if (value instanceof Date) return formatDate(value, dateSection(numFmt) ?? 'yyyy-mm-dd');
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('formula' in value) return cellText(value.result, numFmt);
  if ('error' in value) return value.error;
  return value.text;
}

/** Splits a format into its sections (positive;negative;zero;text) at semicolons outside quotes and brackets. */
function sections(format: string): string[] {
  const found: string[] = [];
  let current = '';
  for (let at = 0; at < format.length; at += 1) {
    const char = format[at];
    if (char === '"') {
      const end = format.indexOf('"', at + 1);
      const stop = end === -1 ? format.length : end;
      current += format.slice(at, stop + 1);
      at = stop;
    } else if (char === '\\') {
      current += format.slice(at, at + 2);
      at += 1;
    } else if (char === ';') {
      found.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  found.push(current);
  return found;
}

/** The format without quoted text, escapes, colours and locale tags: what decides whether it is a date. */
const bare = (section: string): string => section.replace(/"[^"]*"|\\.|\[[^\]]*\]|_.|\*./g, '');

const isDateSection = (section: string): boolean => /[ymdhs]/i.test(bare(section).replace(/General/gi, ''));

function dateSection(numFmt: string | undefined): string | undefined {
  if (!numFmt) return undefined;
  const first = sections(numFmt)[0];
  if (first === BUILT_IN_SHORT_DATE) return US_SHORT_DATE;
  return isDateSection(first) ? first : undefined;
}

export function formatNumber(value: number, numFmt: string | undefined): string {
  if (!numFmt || /^(General|@)$/i.test(numFmt.trim())) return general(value);
  const all = sections(numFmt);
  const dateFormat = dateSection(numFmt);
  if (dateFormat) return formatDate(new Date(EXCEL_EPOCH_MS + Math.round(value * MS_PER_DAY)), dateFormat);
  let section = all[0];
  let number = value;
  let sign = value < 0 ? '-' : '';
  if (value < 0 && all.length > 1) {
    section = all[1];
    number = -value;
    sign = '';
  } else if (value === 0 && all.length > 2) {
    section = all[2];
  }
  if (value < 0 && all.length === 1) number = -value;
  return sign + formatWithSection(number, section);
}

/** Excel's General: up to 11 digits before switching to scientific, and no trailing zeros. */
function general(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e11) return String(value);
  const rounded = Number(value.toPrecision(10));
  if (rounded !== 0 && (Math.abs(rounded) >= 1e11 || Math.abs(rounded) < 1e-9)) {
    const [mantissa, exponent] = rounded.toExponential(5).split('e');
    const trimmed = mantissa.replace(/\.?0+$/, '');
    const power = Number(exponent);
    return `${trimmed}E${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
  }
  return String(rounded);
}

/** A number section: literal text around one block of digit placeholders (0 # ? , .), with % and E+ honoured. */
function formatWithSection(value: number, section: string): string {
  const pieces: string[] = [];
  let numberBlock = '';
  let blockAt = -1;
  let percent = false;
  for (let at = 0; at < section.length; at += 1) {
    const char = section[at];
    if (char === '"') {
      const end = section.indexOf('"', at + 1);
      const stop = end === -1 ? section.length : end;
      pieces.push(section.slice(at + 1, stop));
      at = stop;
    } else if (char === '\\') {
      pieces.push(section[at + 1] ?? '');
      at += 1;
    } else if (char === '[') {
      const end = section.indexOf(']', at);
      const tag = section.slice(at + 1, end === -1 ? section.length : end);
      // [$€-407] shows its currency symbol; [Red] and [$-409] show nothing.
      if (tag.startsWith('$')) pieces.push(tag.slice(1).split('-')[0]);
      at = end === -1 ? section.length : end;
    } else if (char === '_') {
      pieces.push(' ');
      at += 1;
    } else if (char === '*') {
      at += 1;
    } else if ('0#?,.'.includes(char) || (numberBlock !== '' && /^[Ee][+-]0/.test(section.slice(at, at + 3)))) {
      if (blockAt === -1) {
        blockAt = pieces.length;
        pieces.push('');
      }
      const exponent = /^[Ee][+-]0+/.exec(section.slice(at))?.[0];
      numberBlock += exponent ?? char;
      at += exponent ? exponent.length - 1 : 0;
    } else if (char === '@') {
      pieces.push(general(value));
    } else {
      if (char === '%') percent = true;
      pieces.push(char);
    }
  }
  if (blockAt === -1) return pieces.join('');
  pieces[blockAt] = renderDigits(percent ? value * 100 : value, numberBlock);
  return pieces.join('');
}

function renderDigits(value: number, block: string): string {
  const scientific = /E[+-]?(0+)/i.exec(block);
  const mantissaBlock = scientific ? block.slice(0, scientific.index) : block;
  const point = mantissaBlock.indexOf('.');
  const integerPart = point === -1 ? mantissaBlock : mantissaBlock.slice(0, point);
  const decimalPart = point === -1 ? '' : mantissaBlock.slice(point + 1);
  const maxDecimals = (decimalPart.match(/[0#?]/g) ?? []).length;
  const minDecimals = (decimalPart.match(/0/g) ?? []).length;
  const minIntegers = (integerPart.match(/0/g) ?? []).length;
  const grouped = /[0#?],[0#?]/.test(integerPart);
  if (scientific) {
    const [mantissa, exponent] = value.toExponential(maxDecimals).split('e');
    const power = Number(exponent);
    return `${mantissa}E${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(scientific[1].length, '0')}`;
  }
  const [whole, fraction = ''] = value.toFixed(maxDecimals).split('.');
  let decimals = fraction;
  while (decimals.length > minDecimals && decimals.endsWith('0')) decimals = decimals.slice(0, -1);
  let integers = whole === '0' && minIntegers === 0 ? '' : whole.padStart(minIntegers, '0');
  if (grouped) integers = integers.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return decimals === '' ? integers : `${integers}.${decimals}`;
}

const DATE_TOKEN = /"[^"]*"|\\.|\[[^\]]*\]|yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|AM\/PM|A\/P|\.0+|./gi;

/** A date (whose UTC fields are the sheet's wall-clock time, as exceljs builds it) through a date format's tokens. */
export function formatDate(date: Date, format: string): string {
  const tokens = format.match(DATE_TOKEN) ?? [];
  const twelveHour = tokens.some((token) => /^(AM\/PM|A\/P)$/i.test(token));
  const meaningful = tokens.map((token, index) => ({ token: token.toLowerCase(), index })).filter(({ token }) => /^[ymdhs]/.test(token));
  const isMinutes = (index: number): boolean => {
    const at = meaningful.findIndex((entry) => entry.index === index);
    return meaningful[at - 1]?.token.startsWith('h') === true || meaningful[at + 1]?.token.startsWith('s') === true;
  };
  const hours = date.getUTCHours();
  const pad = (number: number): string => String(number).padStart(2, '0');
  return tokens
    .map((token, index) => {
      const lower = token.toLowerCase();
      if (token.startsWith('"')) return token.slice(1, -1);
      if (token.startsWith('\\')) return token.slice(1);
      if (token.startsWith('[')) return '';
      switch (lower) {
        case 'yyyy':
          return String(date.getUTCFullYear());
        case 'yy':
          return pad(date.getUTCFullYear() % 100);
        case 'mmmmm':
          return MONTHS[date.getUTCMonth()][0];
        case 'mmmm':
          return MONTHS[date.getUTCMonth()];
        case 'mmm':
          return MONTHS[date.getUTCMonth()].slice(0, 3);
        case 'mm':
          return isMinutes(index) ? pad(date.getUTCMinutes()) : pad(date.getUTCMonth() + 1);
        case 'm':
          return isMinutes(index) ? String(date.getUTCMinutes()) : String(date.getUTCMonth() + 1);
        case 'dddd':
          return DAYS[date.getUTCDay()];
        case 'ddd':
          return DAYS[date.getUTCDay()].slice(0, 3);
        case 'dd':
          return pad(date.getUTCDate());
        case 'd':
          return String(date.getUTCDate());
        case 'hh':
          return pad(twelveHour ? hours % 12 || 12 : hours);
        case 'h':
          return String(twelveHour ? hours % 12 || 12 : hours);
        case 'ss':
          return pad(date.getUTCSeconds());
        case 's':
          return String(date.getUTCSeconds());
        case 'am/pm':
          return hours < 12 ? 'AM' : 'PM';
        case 'a/p':
          return hours < 12 ? 'A' : 'P';
      }
      if (/^\.0+$/.test(token))
        return `.${String(date.getUTCMilliseconds())
          .padStart(3, '0')
          .slice(0, token.length - 1)}`;
      return token;
    })
    .join('');
}
