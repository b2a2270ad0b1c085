import { ROLES } from '../../domain/role/role';
import { FIX_FILE_COLUMNS, TEMPLATE_COLUMNS } from '../../domain/upload-batch/educator-template';

export const TEMPLATE_WORKBOOK_FILE_NAME = 'educator-accounts-template.xlsx';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Formatted as Text far enough down for any upload, so Excel keeps what is typed (leading zeros, long numbers) as typed. */
const TEXT_FORMAT = '@';

const INSTRUCTIONS = [
  'How to fill in this workbook',
  '',
  `1. On the first sheet, type one educator per row below the headings ${TEMPLATE_COLUMNS.join(', ')}.`,
  `2. User Role is one of: ${ROLES.filter((role) => role.bulkCreatable)
    .map((role) => role.name)
    .join(', ')} (which of them you may create depends on your own role).`,
  '3. Leave the headings as they are and keep the educators on the first sheet: only the first sheet is read.',
  `4. A file of failed rows you downloaded may be uploaded as it is: its ${FIX_FILE_COLUMNS.join(' and ')} columns are ignored.`,
  '5. Save as Excel Workbook (.xlsx), not .xls or .xlsm, without a password, and upload it on "Create Multiple Accounts".',
];

/** The template as an Excel workbook: the same headings as the CSV template, bold and frozen, and a sheet of instructions. */
export async function templateWorkbook(): Promise<Buffer> {
  // Loaded when first asked for, as the workbook reader does.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.Workbook();
  const sheet = workbook.addWorksheet('Educators', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = TEMPLATE_COLUMNS.map((column) => ({ header: column, width: Math.max(18, column.length + 4), style: { numFmt: TEXT_FORMAT } }));
  sheet.getRow(1).font = { bold: true };
  const instructions = workbook.addWorksheet('Instructions');
  instructions.getColumn(1).width = 110;
  for (const line of INSTRUCTIONS) instructions.addRow([line]);
  instructions.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
