/** Every admin action and every sign-in, success or refusal, as the Activity tab lists them. */
export type AuditAction =
  | 'ACCOUNT_CREATED'
  | 'ACCOUNTS_UPLOADED'
  | 'UPLOAD_ROW_CORRECTED'
  | 'CHECKED_ACCOUNTS_CREATED'
  | 'UPLOAD_CANCELLED'
  | 'UPLOAD_UNDONE'
  | 'INVITATION_RESENT'
  | 'ACCOUNT_RECREATED'
  | 'EXPIRED_ACCOUNTS_RECREATED'
  | 'ACCOUNT_UPDATED'
  | 'ACCOUNT_DEACTIVATED'
  | 'ACCOUNT_REACTIVATED'
  | 'ACCOUNT_UNLOCKED'
  | 'SIGNED_IN'
  | 'SIGN_IN_REFUSED'
  | 'PASSWORD_RESET_REQUESTED'
  | 'PASSWORD_RESET'
  | 'PASSWORD_CHANGED'
  | 'ROSTER_UPLOADED'
  | 'ROSTER_IMPORT_STARTED'
  | 'SCHOOL_SITE_EXTERNAL_ID_SET';

/** SUCCEEDED, or the refusal's stable code (EMAIL_TAKEN, INVALID_CREDENTIALS, …). */
export type AuditOutcome = 'SUCCEEDED' | (string & {});

export interface AuditEvent {
  action: AuditAction;
  outcome: AuditOutcome;
  at: Date;
  /** Who acted; null when nobody was signed in (a sign-in attempt, a password reset). */
  actorAccountId: number | null;
  /** The email the attempt named when there is no actor (normalized; never a password or a code). */
  actorEmail?: string | null;
  targetAccountId?: number | null;
  targetBatchId?: number | null;
  /** Where it happened: who may read the event (a District Admin their district, a Site Admin their site). */
  districtId: number | null;
  schoolSiteId?: number | null;
  clientAddress: string;
  /** A short fact for a person ("12 accounts recreated"); never a secret. */
  detail?: string | null;
}

export interface AuditTrail {
  record(event: AuditEvent): Promise<void>;
}
