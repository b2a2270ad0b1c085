export const ROLE_CODES = ['EDUCATOR', 'COUNSELOR_CASELOAD_ONLY', 'COUNSELOR', 'MULTI_SITE_COUNSELOR', 'SITE_ADMIN', 'DISTRICT_ADMIN'] as const;
export type RoleCode = (typeof ROLE_CODES)[number];

export type RoleScope = 'SITE' | 'MULTI_SITE' | 'DISTRICT';

export interface Role {
  code: RoleCode;
  name: string;
  scope: RoleScope;
  bulkCreatable: boolean;
}

export const ROLES: readonly Role[] = [
  { code: 'EDUCATOR', name: 'Educator', scope: 'SITE', bulkCreatable: true },
  { code: 'COUNSELOR_CASELOAD_ONLY', name: 'Counselor—Caseload Only', scope: 'SITE', bulkCreatable: true },
  { code: 'COUNSELOR', name: 'Counselor', scope: 'SITE', bulkCreatable: true },
  { code: 'MULTI_SITE_COUNSELOR', name: 'Multi-Site Counselor', scope: 'MULTI_SITE', bulkCreatable: false },
  { code: 'SITE_ADMIN', name: 'Site Admin', scope: 'SITE', bulkCreatable: true },
  { code: 'DISTRICT_ADMIN', name: 'District Admin', scope: 'DISTRICT', bulkCreatable: false },
];

const byCode = new Map(ROLES.map((role) => [role.code, role]));

export const roleOf = (code: RoleCode): Role => {
  const role = byCode.get(code);
  if (!role) throw new Error(`Unknown role code ${code}`);
  return role;
};

export const isRoleCode = (value: string): value is RoleCode => byCode.has(value as RoleCode);

/**
 * People type role names by hand in spreadsheets: "counselor - caseload only", "Site admin",
 * "Counselor – Caseload Only" with an en dash. All of those must name the same role.
 */
const roleKey = (text: string): string =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212_-]/g, '-')
    .replace(/\s*-\s*/g, '-')
    .replace(/\s+/g, ' ')
    .trim();

const byName = new Map(
  ROLES.flatMap((role) => [
    [roleKey(role.name), role],
    [roleKey(role.code), role],
  ]),
);

export const roleNamed = (text: string): Role | undefined => byName.get(roleKey(text));

/** How many Site Admins we advise per site; more is allowed, with a warning. */
export const RECOMMENDED_SITE_ADMINS_PER_SITE = 2;
