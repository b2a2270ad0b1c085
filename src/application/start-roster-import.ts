import type { RoleCode } from '../domain/role/role';
import { defaultRoleFor, isMappableRole, isSchool, matchSchool } from '../domain/roster/roster';
import { templateCsvFor } from '../domain/roster/roster-template';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import type { RosterImports } from './ports/roster-imports';
import type { UploadFileInbox } from './ports/upload-file-inbox';
import type { UploadLogReader } from './ports/upload-log-reader';
import type { QueueRosterSchool } from './queue-roster-school';
import { importOfDistrict, viewOf, type RosterImportView } from './roster-import-view';

export interface StartRosterRequest {
  rosterImportId: number | undefined;
  /** Overrides the matched site of a school; null: do not import it. Schools not named keep their match. */
  schoolMappings: { sourcedId: string; schoolSiteId: number | null | undefined }[];
  /** Overrides a roster role's default; null: create no account. Roles not named keep their default. */
  roleMappings: { rosterRole: string; roleCode: string | null }[];
  dryRun: boolean;
  clientAddress: string;
}

export type StartRosterOutcome = { rosterImport: RosterImportView | null; userErrors: DomainError[] };

/**
 * Starts a roster import: each mapped school's staff, in the mapped roles, become one ordinary upload batch of that
 * school's site (docs/uploads.md, "OneRoster"), processed by the upload worker like any uploaded file. A school whose
 * site's queue is full is named in the answer, not dropped.
 */
export class StartRosterImport {
  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly rosters: RosterImports,
    private readonly inbox: Pick<UploadFileInbox, 'announceQueued'>,
    private readonly log: Pick<UploadLogReader, 'findBatch'>,
    private readonly queueSchool: QueueRosterSchool,
    private readonly clock: { now(): Date },
  ) {}

  async execute(actor: Actor, request: StartRosterRequest): Promise<StartRosterOutcome> {
    const stored = await importOfDistrict(this.rosters, actor, request.rosterImportId);
    const refused = (code: string, message: string, field: string[]): StartRosterOutcome => ({
      rosterImport: null,
      userErrors: [refusal(code, message, field)],
    });
    if (stored.startedAt)
      return refused('ROSTER_ALREADY_STARTED', 'This roster was imported already. Upload the export again to import it again.', ['rosterImportId']);
    const invalidRole = request.roleMappings.find((mapping) => mapping.roleCode !== null && !isMappableRole(mapping.roleCode));
    if (invalidRole)
      return refused(
        'INVALID_ROLE_MAPPING',
        `Staff may become Educator, Counselor—Caseload Only, Counselor or Site Admin; ${invalidRole.rosterRole} cannot become ${invalidRole.roleCode}.`,
        ['roleMappings'],
      );
    const sites = await this.sites.listForDistrict(actor.districtId);
    const siteById = new Map(sites.map((site) => [site.id, site]));
    if (request.schoolMappings.some((mapping) => mapping.schoolSiteId !== null && !siteById.has(mapping.schoolSiteId ?? -1))) {
      return refused('SITE_NOT_IN_DISTRICT', 'Map each school to a school site of your district, or choose not to import it.', ['schoolMappings']);
    }
    if (!request.dryRun && !(await this.rosters.markStarted(stored.id, this.clock.now()))) {
      return refused('ROSTER_ALREADY_STARTED', 'This roster was imported already. Upload the export again to import it again.', ['rosterImportId']);
    }
    const roleChosen = new Map(request.roleMappings.map((mapping) => [mapping.rosterRole, mapping.roleCode as RoleCode | null]));
    const roleFor = (rosterRole: string): RoleCode | null =>
      roleChosen.has(rosterRole) ? roleChosen.get(rosterRole)! : defaultRoleFor(stored.version, rosterRole);
    const siteChosen = new Map(request.schoolMappings.map((mapping) => [mapping.sourcedId, mapping.schoolSiteId ?? null]));
    const userErrors: DomainError[] = [];
    for (const school of stored.orgs.filter(isSchool)) {
      const siteId = siteChosen.has(school.sourcedId) ? siteChosen.get(school.sourcedId)! : (matchSchool(school, sites)?.site.id ?? null);
      if (siteId === null) continue;
      const site = siteById.get(siteId)!;
      const { csv, rows } = templateCsvFor(await this.rosters.staffAt(stored.id, school.sourcedId), roleFor);
      if (rows === 0) continue;
      const file = {
        rosterImportId: stored.id,
        fileName: `${stored.fileName} · ${school.name}`,
        site,
        csv,
        rows,
        dryRun: request.dryRun,
        clientAddress: request.clientAddress,
      };
      if ((await this.queueSchool.execute(actor, file)) === null) {
        userErrors.push(
          refusal(
            'TOO_MANY_QUEUED_UPLOADS',
            `${school.name} was not imported: ${site.name} already has uploads waiting. Wait for them to finish, then upload the roster again.`,
            ['schoolMappings', school.sourcedId],
          ),
        );
      }
    }
    this.inbox.announceQueued();
    return { rosterImport: await viewOf((await this.rosters.find(stored.id))!, { sites: this.sites, rosters: this.rosters, log: this.log }), userErrors };
  }
}
