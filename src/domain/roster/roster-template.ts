import { roleOf, type RoleCode } from '../role/role';
import { TEMPLATE_COLUMNS } from '../upload-batch/educator-template';
import type { RosterStaff } from './roster';

const cell = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/**
 * One school's staff as the bulk-creation template (the header, then First Name, Last Name, Email, User Role), so the
 * upload worker creates them exactly as it would an uploaded file, with its row rules, its log and its fix file.
 * Staff whose role maps to nothing are left out (the preview counted them).
 */
export const templateCsvFor = (staff: readonly RosterStaff[], roleFor: (rosterRole: string) => RoleCode | null): { csv: string; rows: number } => {
  const lines = [TEMPLATE_COLUMNS.join(',')];
  for (const person of staff) {
    const role = roleFor(person.rosterRole);
    if (role) lines.push([person.givenName, person.familyName, person.email, roleOf(role).name].map(cell).join(','));
  }
  return { csv: `${lines.join('\r\n')}\r\n`, rows: lines.length - 1 };
};
