import { previewRoster, type RosterPreview } from '../domain/roster/roster-preview';
import type { SchoolSite, SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { AccessDenied } from './access-denied';
import type { RosterImports, StoredRosterImport } from './ports/roster-imports';
import type { UploadBatchView } from './ports/upload-batches';
import type { UploadLogReader } from './ports/upload-log-reader';

export interface RosterImportView extends RosterPreview {
  id: number;
  fileName: string;
  version: string;
  startedAt: Date | null;
  /** The upload batches started from it, one per school, each with its site. */
  batches: { batch: UploadBatchView; site: SchoolSite }[];
}

/** One message for an import that does not exist and one of another district: a refusal reveals nothing. */
export const ROSTER_OUT_OF_REACH = 'You are not allowed to see that roster import.';

/** The import a District Admin acts on, if it is of their district; otherwise AccessDenied. */
export const importOfDistrict = async (rosters: RosterImports, actor: Actor, rosterImportId: number | undefined): Promise<StoredRosterImport> => {
  const stored = actor.roleCode !== 'DISTRICT_ADMIN' || rosterImportId === undefined ? null : await rosters.find(rosterImportId);
  if (!stored || stored.districtId !== actor.districtId) throw new AccessDenied(ROSTER_OUT_OF_REACH);
  return stored;
};

export const viewOf = async (
  stored: StoredRosterImport,
  deps: { sites: SchoolSiteRepository; rosters: RosterImports; log: Pick<UploadLogReader, 'findBatch'> },
): Promise<RosterImportView> => {
  const [sites, batchIds] = await Promise.all([deps.sites.listForDistrict(stored.districtId), deps.rosters.batchIds(stored.id)]);
  const siteById = new Map(sites.map((site) => [site.id, site]));
  const batches = (await Promise.all(batchIds.map((id) => deps.log.findBatch(id)))).flatMap((batch) =>
    batch && siteById.has(batch.schoolSiteId) ? [{ batch, site: siteById.get(batch.schoolSiteId)! }] : [],
  );
  return { id: stored.id, fileName: stored.fileName, version: stored.version, startedAt: stored.startedAt, ...previewRoster(stored, sites), batches };
};
