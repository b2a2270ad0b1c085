import type { IgnoredUsers, Roster, RosterOrg, RosterStaff, RosterVersion } from '../../domain/roster/roster';

export interface NewRosterImport {
  districtId: number;
  uploadedByAccountId: number;
  fileName: string;
  roster: Roster;
  now: Date;
}

export interface StoredRosterImport {
  id: number;
  districtId: number;
  uploadedByAccountId: number;
  fileName: string;
  version: RosterVersion;
  createdAt: Date;
  startedAt: Date | null;
  ignored: IgnoredUsers;
  orgs: RosterOrg[];
  /** How many staff each org has in each roster role. */
  staffGroups: { orgSourcedId: string | null; rosterRole: string; count: number }[];
}

/** A District Admin's OneRoster uploads, as read: kept until they are started, and grouping the batches started from them. */
export interface RosterImports {
  store(roster: NewRosterImport): Promise<number>;
  find(id: number): Promise<StoredRosterImport | null>;
  /** The staff of one org, in users.csv order. */
  staffAt(rosterImportId: number, orgSourcedId: string): Promise<RosterStaff[]>;
  /** Marks the import started; false when it already was (another request started it first). */
  markStarted(rosterImportId: number, now: Date): Promise<boolean>;
  /** The batch was created from the import (upload_batch.roster_import_id). */
  linkBatch(rosterImportId: number, batchId: number): Promise<void>;
  batchIds(rosterImportId: number): Promise<number[]>;
}
