import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import type { RosterRefusal } from '../../application/ports/roster-reader';
import {
  GUARDIAN_ROLES,
  STUDENT_ROLES,
  type IgnoredUsers,
  type Roster,
  type RosterOrg,
  type RosterStaff,
  type RosterVersion,
} from '../../domain/roster/roster';
import { fail, ok, type Result } from '../../domain/shared/result';
import { CsvRecordReader, type CsvRecord } from '../csv/csv-records';
import { readZipDirectory, zipLimitExceeded, type ZipEntry } from '../workbook/zip-directory';
import { REQUIRED_COLUMNS, requiredFiles, versionOf } from './oneroster-columns';

/** A users.csv row of a large district can be wide (grades, many org ids), never this wide. */
const MAX_RECORD_BYTES = 256 * 1024;
const STORED = 0;
const DEFLATED = 8;
const BOM = '\uFEFF';

const refused = (reason: string): Result<never, RosterRefusal> => fail({ reason });
class Refused extends Error {}

type Header = Map<string, number>;

/** The role a user is created with: for 1.2 their primary role row (else their first), for 1.1 the users.csv role. */
interface RoleAt {
  role: string;
  orgSourcedId: string | null;
  primary: boolean;
}

/**
 * Reads a OneRoster CSV zip (1.0, 1.1 or 1.2, bulk). The zip is held whole, as an uploaded workbook is (its directory is
 * at its end), but each CSV is inflated and read as it streams: only the orgs, the staff rows and, for 1.2, each user's
 * one role are kept, so a district's users.csv of mostly students costs the staff, not the file.
 */
export async function readOneRosterZip(zip: Buffer): Promise<Result<Roster, RosterRefusal>> {
  const directory = readZipDirectory(zip);
  if (!directory.ok) return refused('The file is not a zip file. Upload the OneRoster CSV export (a .zip file) from your SIS as it was downloaded.');
  const limit = zipLimitExceeded(directory.entries);
  if (limit) return refused('The zip file is too large once unpacked for a OneRoster export. Export the roster again, without other files in it.');
  if (directory.entries.some((entry) => entry.encrypted)) return refused('The zip file is password-protected. Export the roster again without a password.');
  const entries = new Map<string, ZipEntry>();
  // At the zip's root, or in the one folder some SIS exports wrap it in.
  for (const entry of directory.entries) {
    const name = entry.name.split('/').pop()!.toLowerCase();
    if (!entries.has(name) || !entry.name.includes('/')) entries.set(name, entry);
  }
  try {
    const manifestEntry = entries.get('manifest.csv');
    if (!manifestEntry)
      return refused('The zip file has no manifest.csv, so it is not a OneRoster CSV export. Export the roster from your SIS as OneRoster 1.1 or 1.2 CSV.');
    const manifest = await readManifest(zip, manifestEntry);
    const version = versionOf(manifest.get('oneroster.version') ?? '');
    if (!version) {
      const named = manifest.get('oneroster.version');
      return refused(
        `${named ? `OneRoster version ${named} is not supported` : 'manifest.csv does not give the OneRoster version'}. Export the roster as OneRoster 1.1 or 1.2 CSV.`,
      );
    }
    if ((manifest.get('file.users') ?? '').trim().toLowerCase() === 'delta') {
      return refused('This is a delta export (only the changes). Only bulk exports are supported: export the full roster and upload it.');
    }
    const missing = requiredFiles(version).filter((name) => !entries.has(name));
    if (missing.length > 0)
      return refused(
        `The zip file has no ${missing.join(' or ')}. A OneRoster ${version} export needs ${requiredFiles(version).join(', ')}: export the roster again with them.`,
      );
    const orgs = await readOrgs(zip, entries.get('orgs.csv')!);
    const roles = version === '1.2' ? await readRoles(zip, entries.get('roles.csv')!) : null;
    const { staff, ignored } = await readUsers(zip, entries.get('users.csv')!, version, orgs, roles);
    return ok({ version, orgs: [...orgs.values()], staff, ignored });
  } catch (error) {
    if (error instanceof Refused) return refused(error.message);
    throw error;
  }
}

async function readManifest(zip: Buffer, entry: ZipEntry): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  await eachRecord(zip, entry, ['propertyName', 'value'], (cell) => {
    values.set(cell('propertyName').trim().toLowerCase(), cell('value').trim());
  });
  return values;
}

async function readOrgs(zip: Buffer, entry: ZipEntry): Promise<Map<string, RosterOrg>> {
  const orgs = new Map<string, RosterOrg>();
  await eachRecord(zip, entry, REQUIRED_COLUMNS.orgs, (cell) => {
    if (isToBeDeleted(cell('status'))) return;
    const sourcedId = cell('sourcedId').trim();
    if (sourcedId === '') return;
    orgs.set(sourcedId, { sourcedId, name: cell('name').trim(), identifier: cell('identifier').trim() || null, type: cell('type').trim() });
  });
  return orgs;
}

/** Students' and guardians' roles are kept as one shared value each: only staff cost memory. */
const STUDENT: RoleAt = { role: 'student', orgSourcedId: null, primary: true };
const GUARDIAN: RoleAt = { role: 'guardian', orgSourcedId: null, primary: true };
const DELETED: RoleAt = { role: '', orgSourcedId: null, primary: false };

async function readRoles(zip: Buffer, entry: ZipEntry): Promise<Map<string, RoleAt>> {
  const roles = new Map<string, RoleAt>();
  await eachRecord(zip, entry, REQUIRED_COLUMNS.roles, (cell) => {
    const user = cell('userSourcedId').trim();
    const held = roles.get(user);
    if (isToBeDeleted(cell('status'))) {
      // A user whose every role is to be deleted is a user to be deleted.
      if (!held) roles.set(user, DELETED);
      return;
    }
    if (held && held !== DELETED && (held.primary || cell('roleType').trim().toLowerCase() !== 'primary')) return;
    const role = cell('role').trim();
    const lower = role.toLowerCase();
    const primary = cell('roleType').trim().toLowerCase() === 'primary';
    if (STUDENT_ROLES.has(lower)) roles.set(user, primary ? STUDENT : { ...STUDENT, primary: false });
    else if (GUARDIAN_ROLES.has(lower)) roles.set(user, primary ? GUARDIAN : { ...GUARDIAN, primary: false });
    else roles.set(user, { role, orgSourcedId: cell('orgSourcedId').trim() || null, primary });
  });
  return roles;
}

async function readUsers(
  zip: Buffer,
  entry: ZipEntry,
  version: RosterVersion,
  orgs: Map<string, RosterOrg>,
  roles: Map<string, RoleAt> | null,
): Promise<{ staff: RosterStaff[]; ignored: IgnoredUsers }> {
  const staff: RosterStaff[] = [];
  const ignored: IgnoredUsers = { students: 0, guardians: 0, disabled: 0, toBeDeleted: 0 };
  await eachRecord(zip, entry, REQUIRED_COLUMNS.users[version], (cell, line) => {
    const at = roles ? (roles.get(cell('sourcedId').trim()) ?? null) : roleIn11(cell('role'), cell('orgSourcedIds'), orgs);
    const role = (at?.role ?? '').toLowerCase();
    // Who they are first: a disabled student is counted among the students.
    if (STUDENT_ROLES.has(role)) ignored.students += 1;
    else if (GUARDIAN_ROLES.has(role)) ignored.guardians += 1;
    else if (isToBeDeleted(cell('status')) || at === DELETED) ignored.toBeDeleted += 1;
    else if (cell('enabledUser').trim().toLowerCase() === 'false') ignored.disabled += 1;
    else {
      staff.push({
        lineNumber: line,
        orgSourcedId: at?.orgSourcedId ?? null,
        rosterRole: at?.role ?? '',
        givenName: cell('givenName').trim(),
        familyName: cell('familyName').trim(),
        email: cell('email').trim(),
      });
    }
  });
  return { staff, ignored };
}

/** 1.1 names one role and a list of orgs: the user is placed at the first of them that is a school. */
function roleIn11(role: string, orgSourcedIds: string, orgs: Map<string, RosterOrg>): RoleAt {
  const ids = orgSourcedIds
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const school = ids.find((id) => orgs.get(id)?.type.toLowerCase() === 'school');
  return { role: role.trim(), orgSourcedId: school ?? ids[0] ?? null, primary: true };
}

const isToBeDeleted = (status: string): boolean => status.trim().toLowerCase() === 'tobedeleted';

type Cell = (column: string) => string;

/** Calls `each` with every data record of one CSV entry, its cells found by header name; a required column missing refuses the file. */
async function eachRecord(zip: Buffer, entry: ZipEntry, required: readonly string[], each: (cell: Cell, line: number) => void): Promise<void> {
  const file = entry.name.split('/').pop()!;
  const reader = new CsvRecordReader(',', MAX_RECORD_BYTES);
  let header: Header | null = null;
  let record: CsvRecord;
  const cell: Cell = (column) => {
    const index = header!.get(column.toLowerCase());
    return index === undefined ? '' : (record.cells[index] ?? '');
  };
  for await (const records of reader.batches(inflated(zip, entry, file))) {
    for (record of records) {
      if (!header) {
        header = new Map(record.cells.map((name, index) => [name.replace(BOM, '').trim().toLowerCase(), index]));
        const missing = required.filter((column) => !header!.has(column.toLowerCase()));
        if (missing.length > 0) {
          throw new Refused(
            `${file} has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}. Export the roster again as OneRoster CSV with every column of ${file}.`,
          );
        }
        continue;
      }
      if (record.cells.every((text) => text.trim() === '')) continue;
      each(cell, record.line);
    }
  }
  if (reader.failure)
    throw new Refused(`${file} cannot be read as CSV from line ${reader.failure.line} on. Export the roster again and upload the zip as it was downloaded.`);
  if (!header) throw new Refused(`${file} is empty. Export the roster again and upload the zip as it was downloaded.`);
}

/** One entry's bytes, inflated as they are read. */
async function* inflated(zip: Buffer, entry: ZipEntry, file: string): AsyncGenerator<Buffer> {
  const damaged = `${file} in the zip file is damaged. Download the export again and upload it as it was downloaded.`;
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== 0x04034b50) throw new Refused(damaged);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedBytes);
  if (entry.method === STORED) {
    yield data;
    return;
  }
  if (entry.method !== DEFLATED) throw new Refused(damaged);
  let produced = 0;
  try {
    for await (const piece of Readable.from([data]).pipe(createInflateRaw())) {
      produced += (piece as Buffer).length;
      // The directory's declared size passed the limits; a zip that lies about it is stopped here.
      if (produced > entry.uncompressedBytes) throw new Refused(damaged);
      yield piece as Buffer;
    }
  } catch (error) {
    if (error instanceof Refused) throw error;
    throw new Refused(damaged);
  }
}
