import type { RoleCode } from '../role/role';
import type { SchoolSite } from '../school/school-site';
import { fail, ok, refusal, type DomainError, type Result } from '../shared/result';
import { defaultRoleFor, isMappableRole, isSchool, matchSchool, type RosterOrg, type RosterVersion } from './roster';

/** What the District Admin chose in the mapping step; a school or role not named keeps its match or its default. */
export interface MappingChoices {
  /** null: do not import; undefined: an id that names no site. */
  schoolMappings: { sourcedId: string; schoolSiteId: number | null | undefined }[];
  /** null: create no account. */
  roleMappings: { rosterRole: string; roleCode: string | null }[];
}

export interface RosterMapping {
  roleFor: (rosterRole: string) => RoleCode | null;
  /** The schools to import, each with its site. */
  schools: { org: RosterOrg; site: SchoolSite }[];
}

/** The mapping the import runs by, or why it cannot run: a role that is not a bulk role, a site outside the district. */
export const mappingFor = (
  roster: { version: RosterVersion; orgs: readonly RosterOrg[] },
  districtSites: readonly SchoolSite[],
  choices: MappingChoices,
): Result<RosterMapping, DomainError> => {
  const invalidRole = choices.roleMappings.find((mapping) => mapping.roleCode !== null && !isMappableRole(mapping.roleCode));
  if (invalidRole) {
    const message = `Staff may become Educator, Counselor—Caseload Only, Counselor or Site Admin; ${invalidRole.rosterRole} cannot become ${invalidRole.roleCode}.`;
    return fail(refusal('INVALID_ROLE_MAPPING', message, ['roleMappings']));
  }
  const siteById = new Map(districtSites.map((site) => [site.id, site]));
  if (choices.schoolMappings.some((mapping) => mapping.schoolSiteId !== null && !siteById.has(mapping.schoolSiteId ?? -1))) {
    return fail(refusal('SITE_NOT_IN_DISTRICT', 'Map each school to a school site of your district, or choose not to import it.', ['schoolMappings']));
  }
  const roleChosen = new Map(choices.roleMappings.map((mapping) => [mapping.rosterRole, mapping.roleCode as RoleCode | null]));
  const siteChosen = new Map(choices.schoolMappings.map((mapping) => [mapping.sourcedId, mapping.schoolSiteId ?? null]));
  const schools = roster.orgs.filter(isSchool).flatMap((org) => {
    const siteId = siteChosen.has(org.sourcedId) ? siteChosen.get(org.sourcedId)! : (matchSchool(org, districtSites)?.site.id ?? null);
    return siteId === null ? [] : [{ org, site: siteById.get(siteId)! }];
  });
  return ok({
    roleFor: (rosterRole) => (roleChosen.has(rosterRole) ? roleChosen.get(rosterRole)! : defaultRoleFor(roster.version, rosterRole)),
    schools,
  });
};

/** The log's File Name column holds 255 characters: a long school name is cut there, never refused. */
export const batchFileName = (zipName: string, schoolName: string): string => [...`${zipName} · ${schoolName}`].slice(0, 255).join('');
