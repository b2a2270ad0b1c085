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
}

const formatDay = (date: Date): string => date.toISOString().slice(0, 10);

export const invitationEmail = (details: InvitationDetails): EmailMessage => ({
  to: details.to,
  subject: 'Your educator account is ready to register',
  text: [
    `Hello ${details.firstName},`,
    '',
    `An account has been created for you as ${details.roleName} at ${details.placeName}.`,
    `Register it by ${formatDay(details.registrationDeadline)} (within ${REGISTRATION_WINDOW_DAYS} days); after that it expires and your administrator must create it again.`,
    '',
    `Email: ${details.to}`,
    `Registration code: ${details.registrationCode}`,
    '',
    'To register, choose a password of at least 12 characters and confirm the educational interest attestation.',
  ].join('\r\n'),
});
