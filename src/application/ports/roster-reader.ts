import type { Roster } from '../../domain/roster/roster';
import type { Result } from '../../domain/shared/result';

/** Why a file cannot be read as a OneRoster export: a sentence that tells the District Admin what to do. */
export interface RosterRefusal {
  reason: string;
}

/** Reads a OneRoster 1.1 or 1.2 CSV zip: its schools, its staff, and how many users it passed over. */
export type ReadRoster = (zip: Buffer) => Promise<Result<Roster, RosterRefusal>>;
