import { refusal, type DomainError } from '../shared/result';
import { utcMinute, waitUntil, type InvitationLimit, type LimitReached } from './invitation-allowance';

export const MINUTE_MS = 60_000;

/** The first resend after an account is (re)created may come at once; each later one `minMinutes` after the one before. */
export const nextResendAt = (lastResentAt: Date | null, minMinutes: number): Date | null =>
  lastResentAt === null ? null : new Date(lastResentAt.getTime() + minMinutes * MINUTE_MS);

export const NOT_PENDING = refusal(
  'NOT_PENDING',
  'This person has already registered, or their invitation has expired: only an account waiting for registration can be sent its invitation again.',
);

export const resendTooSoon = (retryAt: Date, now: Date): DomainError =>
  refusal(
    'RESEND_TOO_SOON',
    `The invitation was sent again a moment ago. You can send it once more at ${utcMinute(retryAt)} (${waitUntil(retryAt, now)}); ` +
      'meanwhile ask the person to look in their spam or junk folder.',
  );

export const invitationLimitReached = (reached: LimitReached, now: Date): DomainError =>
  refusal(
    'INVITATION_LIMIT_REACHED',
    reached.fitsAt
      ? `You have sent ${reached.counted} invitations by hand in the last hour, the most one admin may. You can send the next one at ` +
          `${utcMinute(reached.fitsAt)} (${waitUntil(reached.fitsAt, now)}).`
      : 'That is more invitations than one admin may send by hand in an hour. Recreate fewer accounts at once, or upload a file.',
  );

export const NOT_EXPIRED = refusal(
  'NOT_EXPIRED',
  'Only an expired account can be created again. A pending one can be sent its invitation again; a registered one needs nothing.',
);

export const expiredAccountsLimitReached = (accounts: number, reached: LimitReached, limit: InvitationLimit, now: Date): DomainError =>
  refusal(
    'INVITATION_LIMIT_REACHED',
    `This site has ${accounts.toLocaleString('en-US')} expired accounts, and together with the files you uploaded in the last 24 hours that is more ` +
      `than the ${limit.invitations.toLocaleString('en-US')} invitations one admin may send in bulk in a day. ` +
      (reached.fitsAt
        ? `Try again after ${utcMinute(reached.fitsAt)} (${waitUntil(reached.fitsAt, now)}), or recreate accounts one at a time.`
        : 'Recreate accounts one at a time.'),
  );
