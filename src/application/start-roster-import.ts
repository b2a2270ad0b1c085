import { batchFileName, mappingFor, type MappingChoices } from '../domain/roster/roster-mapping';
import { templateCsvFor } from '../domain/roster/roster-template';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { RosterImports } from './ports/roster-imports';
import type { UploadFileInbox } from './ports/upload-file-inbox';
import type { UploadLogReader } from './ports/upload-log-reader';
import type { QueueRosterSchool } from './queue-roster-school';
import { importOfDistrict, viewOf, type RosterImportView } from './roster-import-view';

export interface StartRosterRequest extends MappingChoices {
  rosterImportId: number | undefined;
  dryRun: boolean;
  clientAddress: string;
}

export type StartRosterOutcome = { rosterImport: RosterImportView | null; userErrors: DomainError[] };

const ALREADY_STARTED = refusal('ROSTER_ALREADY_STARTED', 'This roster was imported already. Upload the export again to import it again.', ['rosterImportId']);

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
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
  ) {}

  /** Recorded once answered (each batch is recorded as an upload of its own too). */
  async execute(actor: Actor, request: StartRosterRequest): Promise<StartRosterOutcome> {
    const event = {
      action: 'ROSTER_IMPORT_STARTED' as const,
      actorAccountId: actor.accountId,
      districtId: actor.districtId,
      clientAddress: request.clientAddress,
    };
    let outcome: StartRosterOutcome;
    try {
      outcome = await this.start(actor, request);
    } catch (error) {
      if (error instanceof AccessDenied) await this.audit.record({ ...event, outcome: 'FORBIDDEN', at: this.clock.now() });
      throw error;
    }
    const started = outcome.rosterImport;
    const detail = started && `${started.fileName}: ${started.batches.length} uploads${request.dryRun ? ' (dry run)' : ''}`;
    await this.audit.record({ ...event, outcome: started ? 'SUCCEEDED' : outcome.userErrors[0].code, at: this.clock.now(), detail });
    return outcome;
  }

  private async start(actor: Actor, request: StartRosterRequest): Promise<StartRosterOutcome> {
    const stored = await importOfDistrict(this.rosters, actor, request.rosterImportId);
    if (stored.startedAt) return { rosterImport: null, userErrors: [ALREADY_STARTED] };
    const mapping = mappingFor(stored, await this.sites.listForDistrict(actor.districtId), request);
    if (!mapping.ok) return { rosterImport: null, userErrors: [mapping.error] };
    // Claimed before any batch is stored: two starts sent together create the batches once.
    if (!request.dryRun && !(await this.rosters.markStarted(stored.id, this.clock.now()))) return { rosterImport: null, userErrors: [ALREADY_STARTED] };
    const userErrors: DomainError[] = [];
    for (const { org, site } of mapping.value.schools) {
      const { csv, rows } = templateCsvFor(await this.rosters.staffAt(stored.id, org.sourcedId), mapping.value.roleFor);
      if (rows === 0) continue;
      const fileName = batchFileName(stored.fileName, org.name);
      const queued = await this.queueSchool.execute(actor, {
        rosterImportId: stored.id,
        fileName,
        site,
        csv,
        rows,
        dryRun: request.dryRun,
        clientAddress: request.clientAddress,
      });
      if (queued === null) {
        const message = `${org.name} was not imported: ${site.name} already has uploads waiting. Wait for them to finish, then upload the roster again.`;
        userErrors.push(refusal('TOO_MANY_QUEUED_UPLOADS', message, ['schoolMappings', org.sourcedId]));
      }
    }
    this.inbox.announceQueued();
    const view = await viewOf((await this.rosters.find(stored.id))!, { sites: this.sites, rosters: this.rosters, log: this.log });
    return { rosterImport: view, userErrors };
  }
}
