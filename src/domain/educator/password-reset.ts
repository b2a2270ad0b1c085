import type { EmailMessage } from './invitation';

export const RESET_CODE_VALID_MINUTES = 30;

/** One request to reset an account's password; its code is derived from `id` and `requestedAt`, never stored. */
export interface PasswordReset {
  id: number;
  accountId: number;
  requestedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export const resetExpiryFor = (requestedAt: Date): Date => new Date(requestedAt.getTime() + RESET_CODE_VALID_MINUTES * 60_000);

/** Only the latest request of an account is kept, so a superseded code never gets here: it is usable while unused and unexpired. */
export const isResetUsable = (reset: PasswordReset, now: Date): boolean => reset.usedAt === null && now.getTime() < reset.expiresAt.getTime();

export const PASSWORD_RESET_SUBJECT = 'Your password reset code';

export interface PasswordResetDetails {
  to: string;
  resetCode: string;
  /** The page's reset screen with the email filled in (the code stays in the email: links end up in browser history). */
  resetLink: string;
}

export const passwordResetEmail = (details: PasswordResetDetails): EmailMessage => ({
  to: details.to,
  subject: PASSWORD_RESET_SUBJECT,
  text: [
    'Hello,',
    '',
    'Someone (we hope you) asked to reset the password of your educator account.',
    `The code works once, for ${RESET_CODE_VALID_MINUTES} minutes; asking again replaces it. If it was not you, ignore this email: your password stays as it is.`,
    '',
    `Email: ${details.to}`,
    `Reset code: ${details.resetCode}`,
    '',
    'To choose a new password, open the link below and type the code:',
    details.resetLink,
  ].join('\r\n'),
});
