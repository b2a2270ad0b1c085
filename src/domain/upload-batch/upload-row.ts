import { mayGrant } from '../role/account-creation-policy';
import { roleNamed, type Role } from '../role/role';
import type { Actor } from '../shared/actor';
import { fail, ok, type Result } from '../shared/result';
import { EmailAddress } from '../educator/email-address';
import { checkPersonName } from '../educator/person-name';
import { TEMPLATE_COLUMNS } from './educator-template';

export interface UploadedRecord {
  lineNumber: number;
  cells: string[];
}

export interface RowCandidate {
  lineNumber: number;
  cells: string[];
  firstName: string;
  lastName: string;
  email: EmailAddress;
  role: Role;
  roleAsWritten: string;
}

export type RowFailureCode =
  | 'MISSING_FIELD'
  | 'INVALID_EMAIL'
  | 'INVALID_NAME'
  | 'WRONG_COLUMN_COUNT'
  | 'UNKNOWN_ROLE'
  | 'ROLE_NOT_ALLOWED_IN_BULK'
  | 'ROLE_NOT_ALLOWED'
  | 'DUPLICATE_IN_FILE'
  | 'EMAIL_TAKEN'
  | 'DATABASE_BUSY';

export interface RowFailure {
  lineNumber: number;
  code: RowFailureCode;
  reason: string;
  roleAsWritten: string;
  email: string | null;
  cells: string[];
}

const [FIRST_NAME, LAST_NAME, EMAIL, USER_ROLE] = [0, 1, 2, 3];

const failure = (record: UploadedRecord, code: RowFailureCode, reason: string): RowFailure => ({
  lineNumber: record.lineNumber,
  code,
  reason,
  roleAsWritten: (record.cells[USER_ROLE] ?? '').trim(),
  email: (record.cells[EMAIL] ?? '').trim() || null,
  cells: record.cells,
});

/** "<User Role as written> with email <email> - not imported": the sentence the upload log shows. */
export const failureMessage = (roleAsWritten: string, email: string | null): string =>
  `${roleAsWritten || 'Row'} with email ${email || '(no email)'} - not imported`;

/** Everything that can be said about a row from the row alone and the uploader's authority. */
export const checkUploadedRow = (record: UploadedRecord, uploader: Actor): Result<RowCandidate, RowFailure> => {
  const { cells } = record;
  if (cells.length !== TEMPLATE_COLUMNS.length) {
    return fail(
      failure(
        record,
        'WRONG_COLUMN_COUNT',
        `This row has ${cells.length} cells but the template has ${TEMPLATE_COLUMNS.length} (${TEMPLATE_COLUMNS.join(', ')}). Check for extra commas or a missing value.`,
      ),
    );
  }
  const missing = TEMPLATE_COLUMNS.filter((_, index) => (cells[index] ?? '').trim() === '');
  if (missing.length > 0) {
    return fail(failure(record, 'MISSING_FIELD', `Missing ${missing.join(', ')}: every column must be filled in.`));
  }
  const firstName = checkPersonName(cells[FIRST_NAME], 'First Name', []);
  if (!firstName.ok) return fail(failure(record, 'INVALID_NAME', firstName.error.message));
  const lastName = checkPersonName(cells[LAST_NAME], 'Last Name', []);
  if (!lastName.ok) return fail(failure(record, 'INVALID_NAME', lastName.error.message));
  const email = EmailAddress.create(cells[EMAIL], []);
  if (!email.ok) return fail(failure(record, 'INVALID_EMAIL', email.error.message));
  const roleAsWritten = cells[USER_ROLE].trim();
  const role = roleNamed(roleAsWritten);
  if (!role) {
    return fail(
      failure(record, 'UNKNOWN_ROLE', `"${roleAsWritten.slice(0, 60)}" is not a role. Use Educator, Counselor—Caseload Only, Counselor or Site Admin.`),
    );
  }
  if (!role.bulkCreatable) {
    return fail(failure(record, 'ROLE_NOT_ALLOWED_IN_BULK', `${role.name} accounts cannot be created from a file; create them one at a time.`));
  }
  if (!mayGrant(uploader, role.code)) {
    return fail(failure(record, 'ROLE_NOT_ALLOWED', `You may not create ${role.name} accounts. Ask your District Admin.`));
  }
  return ok({ lineNumber: record.lineNumber, cells, firstName: firstName.value, lastName: lastName.value, email: email.value, role, roleAsWritten });
};

export interface ExistingAccountFacts {
  expired: boolean;
  schoolSiteIds: number[];
}

export type RowOutcome = { kind: 'create' } | { kind: 'recreate' } | { kind: 'skip' } | { kind: 'fail'; failure: RowFailure };

/**
 * Re-uploading the corrected original file must create only what failed before: an account that
 * already exists for this same site was made by an earlier upload (or by hand) and is skipped.
 */
export const decideRowOutcome = (
  candidate: RowCandidate,
  firstLineWithEmail: number | undefined,
  existing: ExistingAccountFacts | undefined,
  batchSiteId: number,
): RowOutcome => {
  const record = { lineNumber: candidate.lineNumber, cells: candidate.cells };
  if (firstLineWithEmail !== undefined && firstLineWithEmail < candidate.lineNumber) {
    return {
      kind: 'fail',
      failure: failure(
        record,
        'DUPLICATE_IN_FILE',
        `This email is already on line ${firstLineWithEmail} of the file; only the first row with an email is imported.`,
      ),
    };
  }
  if (!existing) return { kind: 'create' };
  if (existing.expired) return { kind: 'recreate' };
  if (existing.schoolSiteIds.length === 1 && existing.schoolSiteIds[0] === batchSiteId) return { kind: 'skip' };
  return { kind: 'fail', failure: failure(record, 'EMAIL_TAKEN', 'Email has already been taken') };
};

/**
 * After every retry the database still refused the chunk (locks held by other work, or a connection that
 * kept dropping): its new accounts are reported rather than the whole batch failing. Uploading the same
 * file again creates exactly these rows, since the others are skipped.
 */
export const databaseBusyFailure = (candidate: RowCandidate): RowFailure =>
  failure(
    { lineNumber: candidate.lineNumber, cells: candidate.cells },
    'DATABASE_BUSY',
    'The system was too busy to create this account just now. Upload the same file again later: this row will be created and rows already created are skipped.',
  );

/** Said before the reason of a row corrected in the page that still failed when its accounts were created. */
export const CORRECTED_IN_PAGE = 'Corrected in the page before creating.';

export const correctedFailure = (failure: RowFailure): RowFailure => ({ ...failure, reason: `${CORRECTED_IN_PAGE} ${failure.reason}` });

/** Which of the template's columns a row's failure is about, to point the admin at the cell to change; null for the row as a whole. */
export const failedColumn = (failure: RowFailure): number | null => {
  switch (failure.code) {
    case 'MISSING_FIELD':
      return TEMPLATE_COLUMNS.findIndex((_, index) => (failure.cells[index] ?? '').trim() === '');
    case 'INVALID_NAME':
      return checkPersonName(failure.cells[FIRST_NAME], 'First Name', []).ok ? LAST_NAME : FIRST_NAME;
    case 'INVALID_EMAIL':
    case 'DUPLICATE_IN_FILE':
    case 'EMAIL_TAKEN':
      return EMAIL;
    case 'UNKNOWN_ROLE':
    case 'ROLE_NOT_ALLOWED_IN_BULK':
    case 'ROLE_NOT_ALLOWED':
      return USER_ROLE;
    default:
      return null;
  }
};
