import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { ReadRoster } from './ports/roster-reader';
import type { RosterImports } from './ports/roster-imports';
import type { UploadLogReader } from './ports/upload-log-reader';
import { viewOf, type RosterImportView } from './roster-import-view';
import { UploadTooLarge } from './upload-educator-accounts';

export interface RosterUpload {
  fileName: string;
  file: AsyncIterable<Buffer>;
  agreementAccepted: boolean;
  clientAddress: string;
}

export type RosterUploadOutcome = { roster: RosterImportView | null; userErrors: DomainError[] };

/**
 * A District Admin uploads their SIS's OneRoster export. It is read whole and kept as read (its schools and staff, not
 * the zip), and answered as the mapping step: each school with the site it matched, each staff role with what it
 * becomes, and what was passed over. Nothing is created until the import is started.
 */
export class UploadRoster {
  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly rosters: RosterImports,
    private readonly log: Pick<UploadLogReader, 'findBatch'>,
    private readonly readRoster: ReadRoster,
    private readonly maxUploadBytes: number,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, upload: RosterUpload): Promise<RosterUploadOutcome> {
    const record = (outcome: string) =>
      this.audit.record({
        action: 'ROSTER_UPLOADED',
        outcome,
        at: this.clock.now(),
        actorAccountId: actor.accountId,
        districtId: actor.districtId,
        clientAddress: upload.clientAddress,
        detail: upload.fileName,
      });
    if (actor.roleCode !== 'DISTRICT_ADMIN') {
      await record('FORBIDDEN');
      throw new AccessDenied('Only a District Admin may import a roster.');
    }
    const outcome = await this.read(actor, upload);
    await record(outcome.userErrors[0]?.code ?? 'SUCCEEDED');
    return outcome;
  }

  private async read(actor: Actor, upload: RosterUpload): Promise<RosterUploadOutcome> {
    if (!upload.agreementAccepted)
      return refused('AGREEMENT_REQUIRED', 'Accept the bulk account creation agreement to upload this file.', ['agreementAccepted']);
    const zip = await wholeFile(upload.file, this.maxUploadBytes);
    if (!zip)
      return refused('ROSTER_REFUSED', `The file is larger than ${Math.round(this.maxUploadBytes / 1024 / 1024)} MB. Export only your district's roster.`, [
        'file',
      ]);
    const read = await this.readRoster(zip);
    if (!read.ok) return refused('ROSTER_REFUSED', read.error.reason, ['file']);
    const roster = { districtId: actor.districtId, uploadedByAccountId: actor.accountId, fileName: upload.fileName, roster: read.value, now: this.clock.now() };
    const stored = (await this.rosters.find(await this.rosters.store(roster)))!;
    return { roster: await viewOf(stored, { sites: this.sites, rosters: this.rosters, log: this.log }), userErrors: [] };
  }
}

/** A zip's directory is at its end: the file is read whole, within the upload size limit; null beyond it. */
async function wholeFile(file: AsyncIterable<Buffer>, maxBytes: number): Promise<Buffer | null> {
  const pieces: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const piece of file) {
      bytes += piece.length;
      if (bytes > maxBytes) return null;
      pieces.push(piece);
    }
  } catch (error) {
    if (error instanceof UploadTooLarge) return null;
    throw error;
  }
  return Buffer.concat(pieces);
}

const refused = (code: string, message: string, field?: string[]): RosterUploadOutcome => ({ roster: null, userErrors: [refusal(code, message, field)] });
