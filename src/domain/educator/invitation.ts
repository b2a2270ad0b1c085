import { REGISTRATION_WINDOW_DAYS } from './educator-account';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface InvitationDetails {
  to: string;
  firstName: string;
  roleName: string;
  placeName: string;
  registrationCode: string;
  registrationDeadline: Date;
  /** The page's registration form with the email and the code filled in. */
  registrationLink: string;
}

const formatDay = (date: Date): string => date.toISOString().slice(0, 10);

export const INVITATION_SUBJECT = 'Your educator account is ready to register';

export const invitationEmail = (details: InvitationDetails): EmailMessage => ({
  to: details.to,
  subject: INVITATION_SUBJECT,
  text: [
    `Hello ${details.firstName},`,
    '',
    `An account has been created for you as ${details.roleName} at ${details.placeName}.`,
    `Register it by ${formatDay(details.registrationDeadline)} (within ${REGISTRATION_WINDOW_DAYS} days); after that it expires and your administrator must create it again.`,
    '',
    `Email: ${details.to}`,
    `Registration code: ${details.registrationCode}`,
    '',
    'To register, open the link below (it fills in your email and code), choose a password of at least 12 characters besides spaces ' +
      'and confirm the educational interest attestation:',
    details.registrationLink,
  ].join('\r\n'),
});

/** Whom an invitation goes to and the place it names; everything else is read from the account when it is sent. */
export interface QueuedInvitation {
  accountId: number;
  to: string;
  placeName: string;
}

/**
 * What the outbox keeps until a message is sent: a finished message, or an invitation, rendered only when
 * it is sent (its code is derived then). A 300,000-row upload then stores a few dozen bytes per account
 * instead of a whole email, and no registration code ever rests in the database.
 */
export type QueuedEmail = { template: 'invitation'; invitation: QueuedInvitation } | { template: null; message: EmailMessage };

export const queuedInvitation = (invitation: QueuedInvitation): QueuedEmail => ({ template: 'invitation', invitation });
export const queuedMessage = (message: EmailMessage): QueuedEmail => ({ template: null, message });

export const recipientOf = (queued: QueuedEmail): string => (queued.template === 'invitation' ? queued.invitation.to : queued.message.to);
