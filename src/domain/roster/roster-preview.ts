import type { RoleCode } from '../role/role';
import type { SchoolSite } from '../school/school-site';
import { defaultRoleFor, isSchool, matchSchool, type IgnoredUsers, type RosterOrg, type RosterVersion, type SchoolMatch } from './roster';

export interface StaffGroup {
  orgSourcedId: string | null;
  rosterRole: string;
  count: number;
}

export interface PreviewSchool {
  sourcedId: string;
  name: string;
  identifier: string | null;
  staffCount: number;
  match: SchoolMatch | null;
  /** An org that is not a school (a district office): listed for its staff, never imported. */
  nonSchool: boolean;
}

export interface PreviewRole {
  rosterRole: string;
  staffCount: number;
  /** What it becomes unless the District Admin changes it; null: no account is created. */
  roleCode: RoleCode | null;
}

export interface RosterPreview {
  schools: PreviewSchool[];
  roleMappings: PreviewRole[];
  ignored: IgnoredUsers;
  staffNotAtSchool: number;
}

/** What the mapping step shows: each school with its staff and its site, each staff role with what it becomes. */
export const previewRoster = (
  roster: { version: RosterVersion; orgs: RosterOrg[]; staffGroups: StaffGroup[]; ignored: IgnoredUsers },
  sites: readonly SchoolSite[],
): RosterPreview => {
  const orgs = new Map(roster.orgs.map((org) => [org.sourcedId, org]));
  const staffAt = new Map<string, number>();
  const staffIn = new Map<string, number>();
  let staffNotAtSchool = 0;
  for (const group of roster.staffGroups) {
    const org = group.orgSourcedId === null ? undefined : orgs.get(group.orgSourcedId);
    if (!org || !isSchool(org)) staffNotAtSchool += group.count;
    if (org) staffAt.set(org.sourcedId, (staffAt.get(org.sourcedId) ?? 0) + group.count);
    staffIn.set(group.rosterRole, (staffIn.get(group.rosterRole) ?? 0) + group.count);
  }
  const schools = roster.orgs
    .filter((org) => isSchool(org) || staffAt.has(org.sourcedId))
    .map((org) => ({
      sourcedId: org.sourcedId,
      name: org.name,
      identifier: org.identifier,
      staffCount: staffAt.get(org.sourcedId) ?? 0,
      match: isSchool(org) ? matchSchool(org, sites) : null,
      nonSchool: !isSchool(org),
    }));
  const roleMappings = [...staffIn]
    .map(([rosterRole, staffCount]) => ({ rosterRole, staffCount, roleCode: defaultRoleFor(roster.version, rosterRole) }))
    .sort((a, b) => b.staffCount - a.staffCount || a.rosterRole.localeCompare(b.rosterRole));
  return { schools, roleMappings, ignored: roster.ignored, staffNotAtSchool };
};
