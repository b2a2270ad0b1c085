import type { RosterVersion } from '../../domain/roster/roster';

/**
 * The columns each file must have for the import to read it, found by their header name (OneRoster fixes the order,
 * but exports reorder and add columns). The specification's other columns may be there or not.
 */
export const REQUIRED_COLUMNS = {
  orgs: ['sourcedId', 'name', 'type', 'identifier'],
  users: {
    '1.1': ['sourcedId', 'enabledUser', 'orgSourcedIds', 'role', 'givenName', 'familyName', 'email'],
    '1.2': ['sourcedId', 'enabledUser', 'givenName', 'familyName', 'email'],
  },
  roles: ['userSourcedId', 'roleType', 'role', 'orgSourcedId'],
} as const;

export const versionOf = (manifestValue: string): RosterVersion | null => {
  const value = manifestValue.trim();
  if (value === '1.0' || value === '1.1') return '1.1';
  if (value === '1.2') return '1.2';
  return null;
};

/** Lists the files a version's export is read from. */
export const requiredFiles = (version: RosterVersion): string[] => (version === '1.2' ? ['orgs.csv', 'users.csv', 'roles.csv'] : ['orgs.csv', 'users.csv']);
