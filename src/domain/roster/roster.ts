import { ROLES, type Role, type RoleCode } from '../role/role';
import type { SchoolSite } from '../school/school-site';

/** The OneRoster rules a file is read by: 1.0 and 1.1 share theirs. */
export type RosterVersion = '1.1' | '1.2';

/** A staff member as read from the roster: one account to create, at the org of their (primary) role. */
export interface RosterStaff {
  /** users.csv line, so that the upload log and its fix file can point back at the export. */
  lineNumber: number;
  orgSourcedId: string | null;
  rosterRole: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface RosterOrg {
  sourcedId: string;
  name: string;
  identifier: string | null;
  /** school, district, department, local, state, national… only schools become sites. */
  type: string;
}

export interface IgnoredUsers {
  students: number;
  guardians: number;
  disabled: number;
  toBeDeleted: number;
}

export interface Roster {
  version: RosterVersion;
  orgs: RosterOrg[];
  staff: RosterStaff[];
  ignored: IgnoredUsers;
}

/** Users the import never creates accounts for, and counts as ignored. */
export const STUDENT_ROLES: ReadonlySet<string> = new Set(['student']);
export const GUARDIAN_ROLES: ReadonlySet<string> = new Set(['guardian', 'parent', 'relative']);

/** Only the roles bulk upload may create can be a roster role's target. */
export const MAPPABLE_ROLES: readonly Role[] = ROLES.filter((role) => role.bulkCreatable);
export const isMappableRole = (code: string): code is RoleCode => MAPPABLE_ROLES.some((role) => role.code === code);

/**
 * What each OneRoster role becomes unless the District Admin changes it. In 1.1 "administrator" is the only staff role
 * above teacher, and the import places staff at a school, so it means the school's administrator. Roles not listed
 * (aide, proctor, districtAdministrator, systemAdministrator…) create nothing unless mapped.
 */
export const defaultRoleFor = (version: RosterVersion, rosterRole: string): RoleCode | null => {
  const role = rosterRole.trim().toLowerCase();
  if (role === 'teacher') return 'EDUCATOR';
  if (role === 'counselor') return 'COUNSELOR';
  if (role === 'principal' || role === 'siteadministrator') return 'SITE_ADMIN';
  if (version === '1.1' && role === 'administrator') return 'SITE_ADMIN';
  return null;
};

export type MatchedBy = 'IDENTIFIER' | 'NAME';
export interface SchoolMatch {
  site: SchoolSite;
  by: MatchedBy;
}

const identifierKey = (text: string): string => text.trim().toLowerCase();
/** "St. Mary's  High" and "st marys high" are one school. */
const nameKey = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** The district's site for a roster school: by its identifier (the site's external identifier) first, else by name. */
export const matchSchool = (org: Pick<RosterOrg, 'name' | 'identifier'>, sites: readonly SchoolSite[]): SchoolMatch | null => {
  if (org.identifier && identifierKey(org.identifier) !== '') {
    const byIdentifier = sites.find((site) => site.externalId !== null && identifierKey(site.externalId) === identifierKey(org.identifier!));
    if (byIdentifier) return { site: byIdentifier, by: 'IDENTIFIER' };
  }
  const key = nameKey(org.name);
  if (key === '') return null;
  const byName = sites.filter((site) => nameKey(site.name) === key);
  // Two sites of one name are the admin's to tell apart.
  return byName.length === 1 ? { site: byName[0], by: 'NAME' } : null;
};

export const isSchool = (org: Pick<RosterOrg, 'type'>): boolean => org.type.trim().toLowerCase() === 'school';
