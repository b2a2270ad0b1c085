import { zipFile } from './zip-file';

/** OneRoster CSV exports built from the specification's columns, zipped as an SIS would. */

export const ORGS_COLUMNS = ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId'];
export const USERS_11_COLUMNS = [
  'sourcedId',
  'status',
  'dateLastModified',
  'enabledUser',
  'orgSourcedIds',
  'role',
  'username',
  'userIds',
  'givenName',
  'familyName',
  'middleName',
  'identifier',
  'email',
  'sms',
  'phone',
  'agentSourcedIds',
  'grades',
  'password',
];
export const USERS_12_COLUMNS = [
  'sourcedId',
  'status',
  'dateLastModified',
  'enabledUser',
  'username',
  'userIds',
  'givenName',
  'familyName',
  'middleName',
  'identifier',
  'email',
  'sms',
  'phone',
  'agentSourcedIds',
  'grades',
  'password',
  'userMasterIdentifier',
  'resourceSourcedIds',
  'preferredGivenName',
  'preferredMiddleName',
  'preferredFamilyName',
  'primaryOrg',
  'pronouns',
];
export const ROLES_12_COLUMNS = [
  'sourcedId',
  'status',
  'dateLastModified',
  'userSourcedId',
  'roleType',
  'role',
  'orgSourcedId',
  'userProfileSourcedId',
  'beginDate',
  'endDate',
];

export type CsvRow = Record<string, string>;

const cell = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** A CSV of the columns, each row's cells found by column name (absent: empty). */
export const csvOf = (columns: readonly string[], rows: readonly CsvRow[]): string =>
  [columns, ...rows.map((row) => columns.map((column) => row[column] ?? ''))].map((cells) => cells.map(cell).join(',')).join('\r\n') + '\r\n';

/** A zip of the files, each stored or deflated, as an SIS writes its export. */
export const zipOf = (files: Record<string, string | Buffer>, method: 'store' | 'deflate' = 'deflate'): Buffer =>
  zipFile(Object.entries(files).map(([name, data]) => ({ name, data, stored: method === 'store' })));

export const manifestOf = (version: string, overrides: Record<string, string> = {}): string => {
  const properties: Record<string, string> = {
    'manifest.version': '1.0',
    'oneroster.version': version,
    'file.academicSessions': 'absent',
    'file.orgs': 'bulk',
    'file.users': 'bulk',
    ...(version === '1.2' ? { 'file.roles': 'bulk' } : {}),
    'source.systemName': 'Test SIS',
    ...overrides,
  };
  return csvOf(
    ['propertyName', 'value'],
    Object.entries(properties).map(([propertyName, value]) => ({ propertyName, value })),
  );
};

/** A person of the export: their role at one org (1.2 writes it to roles.csv, 1.1 to users.csv). */
export interface RosterPerson {
  sourcedId: string;
  role: string;
  org: string;
  givenName: string;
  familyName: string;
  email?: string;
  enabledUser?: string;
  status?: string;
  /** 1.1: further orgs after `org`; 1.2: further, secondary roles. */
  moreOrgs?: string[];
}

export interface RosterShape {
  orgs: CsvRow[];
  people: RosterPerson[];
  manifest?: Record<string, string>;
  /** Files left out of the zip, or replaced. */
  omit?: string[];
  replace?: Record<string, string>;
  method?: 'store' | 'deflate';
}

export const oneRoster11Zip = (shape: RosterShape): Buffer => {
  const users = shape.people.map((person) => ({
    sourcedId: person.sourcedId,
    status: person.status ?? '',
    enabledUser: person.enabledUser ?? 'true',
    orgSourcedIds: [person.org, ...(person.moreOrgs ?? [])].join(','),
    role: person.role,
    username: person.email ?? '',
    givenName: person.givenName,
    familyName: person.familyName,
    email: person.email ?? '',
  }));
  return zipped(shape, '1.1', { 'orgs.csv': csvOf(ORGS_COLUMNS, shape.orgs), 'users.csv': csvOf(USERS_11_COLUMNS, users) });
};

export const oneRoster12Zip = (shape: RosterShape): Buffer => {
  const users = shape.people.map((person) => ({
    sourcedId: person.sourcedId,
    status: person.status ?? 'active',
    dateLastModified: '2026-11-30T08:00:00.000Z',
    enabledUser: person.enabledUser ?? 'true',
    username: person.email ?? '',
    givenName: person.givenName,
    familyName: person.familyName,
    email: person.email ?? '',
    primaryOrg: person.org,
  }));
  const roles = shape.people.flatMap((person, index) => [
    { sourcedId: `role-${index}`, status: 'active', userSourcedId: person.sourcedId, roleType: 'primary', role: person.role, orgSourcedId: person.org },
    ...(person.moreOrgs ?? []).map((org, more) => ({
      sourcedId: `role-${index}-${more}`,
      status: 'active',
      userSourcedId: person.sourcedId,
      roleType: 'secondary',
      role: person.role,
      orgSourcedId: org,
    })),
  ]);
  return zipped(shape, '1.2', {
    'orgs.csv': csvOf(ORGS_COLUMNS, shape.orgs),
    'users.csv': csvOf(USERS_12_COLUMNS, users),
    'roles.csv': csvOf(ROLES_12_COLUMNS, roles),
  });
};

function zipped(shape: RosterShape, version: string, files: Record<string, string>): Buffer {
  const all: Record<string, string> = { 'manifest.csv': manifestOf(version, shape.manifest), ...files, ...shape.replace };
  for (const name of shape.omit ?? []) delete all[name];
  return zipOf(all, shape.method);
}

/**
 * The demo district's export: two schools that are its sites (Demo Partner High by its state code, Demo Middle
 * School by name), one school that is not yet a site, and the district office.
 */
export const DEMO_ORGS: CsvRow[] = [
  { sourcedId: 'org-district', status: 'active', name: 'Demo Unified School District', type: 'district', identifier: 'D-100' },
  { sourcedId: 'org-high', status: 'active', name: 'Partner High (Demo)', type: 'school', identifier: 'PH-001', parentSourcedId: 'org-district' },
  { sourcedId: 'org-middle', status: 'active', name: 'Demo  middle school', type: 'school', identifier: 'MS-002', parentSourcedId: 'org-district' },
  { sourcedId: 'org-lincoln', status: 'active', name: 'Lincoln Elementary', type: 'school', identifier: 'LE-003', parentSourcedId: 'org-district' },
];

export const DEMO_PEOPLE: RosterPerson[] = [
  { sourcedId: 'u-t1', role: 'teacher', org: 'org-high', givenName: 'Ada', familyName: 'Lovelace', email: 'ada.lovelace@demo-usd.example.org' },
  { sourcedId: 'u-t2', role: 'teacher', org: 'org-high', givenName: 'Alan', familyName: 'Turing', email: 'alan.turing@demo-usd.example.org' },
  { sourcedId: 'u-c1', role: 'counselor', org: 'org-high', givenName: 'Carl', familyName: 'Rogers', email: 'carl.rogers@demo-usd.example.org' },
  { sourcedId: 'u-p1', role: 'principal', org: 'org-middle', givenName: 'Maria', familyName: 'Montessori', email: 'maria.montessori@demo-usd.example.org' },
  { sourcedId: 'u-t3', role: 'teacher', org: 'org-middle', givenName: 'John', familyName: 'Dewey', email: 'john.dewey@demo-usd.example.org' },
  { sourcedId: 'u-t4', role: 'teacher', org: 'org-lincoln', givenName: 'Anne', familyName: 'Sullivan', email: 'anne.sullivan@demo-usd.example.org' },
  { sourcedId: 'u-a1', role: 'aide', org: 'org-lincoln', givenName: 'Amos', familyName: 'Aide', email: 'amos.aide@demo-usd.example.org' },
  { sourcedId: 'u-d1', role: 'districtAdministrator', org: 'org-district', givenName: 'Dana', familyName: 'Office', email: 'dana.office@demo-usd.example.org' },
  { sourcedId: 'u-s1', role: 'student', org: 'org-high', givenName: 'Sam', familyName: 'Student' },
  { sourcedId: 'u-s2', role: 'student', org: 'org-middle', givenName: 'Sue', familyName: 'Student' },
  { sourcedId: 'u-s3', role: 'student', org: 'org-lincoln', givenName: 'Sid', familyName: 'Student', enabledUser: 'false' },
  { sourcedId: 'u-g1', role: 'guardian', org: 'org-high', givenName: 'Gus', familyName: 'Guardian', email: 'gus@example.com' },
  { sourcedId: 'u-g2', role: 'parent', org: 'org-high', givenName: 'Pat', familyName: 'Parent', email: 'pat@example.com' },
  { sourcedId: 'u-x1', role: 'teacher', org: 'org-high', givenName: 'Dis', familyName: 'Abled', email: 'dis.abled@demo-usd.example.org', enabledUser: 'false' },
  {
    sourcedId: 'u-x2',
    role: 'teacher',
    org: 'org-high',
    givenName: 'Gone',
    familyName: 'Soon',
    email: 'gone.soon@demo-usd.example.org',
    status: 'tobedeleted',
  },
];

/** In 1.1 the district office's administrator and the principal are both "administrator". */
export const demoPeople11 = (): RosterPerson[] =>
  DEMO_PEOPLE.map((person) =>
    person.role === 'principal' || person.role === 'districtAdministrator'
      ? { ...person, role: 'administrator' }
      : person.role === 'counselor'
        ? { ...person, role: 'teacher' }
        : person,
  );
