import { fail, ok, refusal, type DomainError, type Result } from '../shared/result';

/** At most `invitations` in any window of `windowMs`. */
export interface InvitationLimit {
  invitations: number;
  windowMs: number;
}

export const HOUR_MS = 60 * 60_000;
export const DAY_MS = 24 * HOUR_MS;

export interface LimitReached {
  /** What the window holds now. */
  counted: number;
  /** When the amount asked for fits again; null when it is larger than the whole limit. */
  fitsAt: Date | null;
}

/** Invitations are counted in sixtieths of the window: per minute for an hour, so the state never grows with the limit. */
const SLICES_PER_WINDOW = 60;

/**
 * What an admin sent lately: [start of slice, invitations] pairs, oldest first. A slice is counted while it began at most
 * one window before the current slice began, so nothing younger than the window is ever forgotten and an admin sends
 * at most the limit in any window.
 */
export class RecentInvitations {
  private constructor(readonly slices: readonly (readonly [number, number])[]) {}

  static none(): RecentInvitations {
    return new RecentInvitations([]);
  }

  static restore(slices: readonly (readonly [number, number])[]): RecentInvitations {
    return new RecentInvitations(slices);
  }

  /** All or nothing: counts `amount` more at `now` if the window then holds at most the limit. */
  take(amount: number, now: Date, limit: InvitationLimit): Result<RecentInvitations, LimitReached> {
    const width = limit.windowMs / SLICES_PER_WINDOW;
    const current = now.getTime() - (now.getTime() % width);
    const counted = this.slices.filter(([start]) => start >= current - limit.windowMs).sort(([a], [b]) => a - b);
    const total = counted.reduce((sum, [, invitations]) => sum + invitations, 0);
    if (total + amount <= limit.invitations) return ok(new RecentInvitations(addTo(counted, current, amount)));
    if (amount > limit.invitations) return fail({ counted: total, fitsAt: null });
    // The oldest slices leave the window first: the amount fits once enough of them have.
    let leftAfter = total;
    const freeing = counted.find(([, invitations]) => (leftAfter -= invitations) + amount <= limit.invitations)!;
    return fail({ counted: total, fitsAt: new Date(freeing[0] + limit.windowMs + width) });
  }

  /** Uncounts invitations taken at `takenAt` that were not sent after all (their account was refused). */
  giveBack(amount: number, takenAt: Date, limit: InvitationLimit): RecentInvitations {
    const width = limit.windowMs / SLICES_PER_WINDOW;
    const slice = takenAt.getTime() - (takenAt.getTime() % width);
    return new RecentInvitations(addTo(this.slices, slice, -amount).filter(([, invitations]) => invitations > 0));
  }
}

const addTo = (slices: readonly (readonly [number, number])[], slice: number, amount: number): [number, number][] => {
  const found = slices.some(([start]) => start === slice);
  const added = slices.map(([start, invitations]): [number, number] => [start, start === slice ? invitations + amount : invitations]);
  return found ? added : [...added, [slice, amount]];
};

export const utcMinute = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** "in 12 minutes", "in about 5 hours": how long until a moment, rounded up. */
export const waitUntil = (at: Date, now: Date): string => {
  const minutes = Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000));
  return minutes < 90 ? `in ${minutes} minute${minutes === 1 ? '' : 's'}` : `in about ${Math.ceil(minutes / 60)} hours`;
};

export const singleCreationLimitReached = (reached: LimitReached, now: Date): DomainError =>
  refusal(
    'INVITATION_LIMIT_REACHED',
    `You have created ${reached.counted} accounts by hand in the last hour, the most one admin may. You can create the next one at ` +
      `${utcMinute(reached.fitsAt!)} (${waitUntil(reached.fitsAt!, now)}). To add many educators at once, upload a file.`,
  );

export const bulkRowsLimitReached = (rows: number, reached: LimitReached, limit: InvitationLimit, now: Date): string => {
  const format = (count: number): string => count.toLocaleString('en-US');
  const budget = `one admin may upload at most ${format(limit.invitations)} rows in any 24 hours`;
  if (!reached.fitsAt) return `This file has ${format(rows)} rows, but ${budget}. Split it into smaller files and upload them over several days.`;
  return (
    `This file has ${format(rows)} rows, but ${budget} and you have uploaded ${format(reached.counted)} in the last 24 hours. ` +
    `Upload it again after ${utcMinute(reached.fitsAt)} (${waitUntil(reached.fitsAt, now)}), or split it into smaller files.`
  );
};
