import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { AccessDenied } from './access-denied';
import type { RosterImports } from './ports/roster-imports';
import type { UploadLogReader } from './ports/upload-log-reader';
import { importOfDistrict, viewOf, type RosterImportView } from './roster-import-view';

/** A roster import of the District Admin's district, as its mapping step and its batches stand now; null for any other id, and for anyone else (as the upload log answers a batch out of reach). */
export class ReadRosterImport {
  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly rosters: RosterImports,
    private readonly log: Pick<UploadLogReader, 'findBatch'>,
  ) {}

  async execute(actor: Actor, rosterImportId: number | undefined): Promise<RosterImportView | null> {
    try {
      return await viewOf(await importOfDistrict(this.rosters, actor, rosterImportId), { sites: this.sites, rosters: this.rosters, log: this.log });
    } catch (error) {
      if (error instanceof AccessDenied) return null;
      throw error;
    }
  }
}
