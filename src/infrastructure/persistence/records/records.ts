import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

// Timestamps are epoch milliseconds in BIGINT columns: identical on SQLite and MySQL, no time zone conversions.
const epochMs = {
  type: 'bigint' as const,
  transformer: { to: (value: number | null) => value, from: (value: string | number | null) => (value === null ? null : Number(value)) },
};

@Entity('district')
export class DistrictRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ ...epochMs, name: 'created_at' }) createdAt: number;
}

@Entity('school_site')
@Index('ix_school_site_district', ['districtId', 'name'])
@Index('uq_school_site_district_external_id', ['districtId', 'externalId'], { unique: true })
export class SchoolSiteRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'int', name: 'district_id' }) districtId: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ ...epochMs, name: 'created_at' }) createdAt: number;
  @Column({ type: 'varchar', length: 64, name: 'external_id', nullable: true }) externalId: string | null;
}

@Entity('educator_account')
@Index('ix_educator_account_role', ['roleCode', 'id'])
@Index('ix_educator_account_source_batch', ['sourceBatchId'])
@Index('ix_educator_account_district_name', ['districtId', 'lastNameNormalized', 'firstNameNormalized', 'id'])
@Index('ix_educator_account_district_first_name', ['districtId', 'firstNameNormalized', 'id'])
@Index('ix_educator_account_district_email', ['districtId', 'emailNormalized', 'id'])
@Index('ix_educator_account_district_created', ['districtId', 'createdAt', 'id'])
@Index('ix_educator_account_district_status', ['districtId', 'deactivatedAt', 'registeredAt', 'registrationDeadline'])
@Index('ix_educator_account_district_role', ['districtId', 'roleCode', 'createdAt', 'id'])
export class EducatorAccountRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 254 }) email: string;
  @Index('uq_educator_account_email', { unique: true })
  @Column({ type: 'varchar', length: 254, name: 'email_normalized' })
  emailNormalized: string;
  @Column({ type: 'varchar', length: 200, name: 'first_name' }) firstName: string;
  @Column({ type: 'varchar', length: 200, name: 'last_name' }) lastName: string;
  /** Lower-cased names for prefix search and the name sort (written beside the names by every writer). */
  @Column({ type: 'varchar', length: 200, name: 'first_name_normalized', nullable: true }) firstNameNormalized: string | null;
  @Column({ type: 'varchar', length: 200, name: 'last_name_normalized', nullable: true }) lastNameNormalized: string | null;
  @Column({ type: 'varchar', length: 40, name: 'role_code' }) roleCode: string;
  @Column({ type: 'int', name: 'district_id' }) districtId: number;
  @Column({ ...epochMs, name: 'created_at' }) createdAt: number;
  @Column({ ...epochMs, name: 'registration_deadline' }) registrationDeadline: number;
  @Column({ ...epochMs, name: 'registered_at', nullable: true }) registeredAt: number | null;
  @Column({ type: 'varchar', length: 200, name: 'password_hash', nullable: true }) passwordHash: string | null;
  @Column({ type: 'int', name: 'created_by_account_id', nullable: true }) createdByAccountId: number | null;
  @Column({ type: 'int', name: 'source_batch_id', nullable: true }) sourceBatchId: number | null;
  @Column({ ...epochMs, name: 'deactivated_at', nullable: true }) deactivatedAt: number | null;
  /** Written only by an invitation resend (the per-account resend throttle). */
  @Column({ ...epochMs, name: 'invitation_resent_at', nullable: true }) invitationResentAt: number | null;
  @Column({ type: 'int', name: 'credentials_version', default: 0 }) credentialsVersion: number;
}

@Entity('educator_account_site')
@Index('ix_educator_account_site_site', ['schoolSiteId', 'accountId'])
export class EducatorAccountSiteRecord {
  @PrimaryColumn({ type: 'int', name: 'account_id' }) accountId: number;
  @PrimaryColumn({ type: 'int', name: 'school_site_id' }) schoolSiteId: number;
}

@Entity('agreement_acceptance')
export class AgreementAcceptanceRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'int', name: 'accepted_by_account_id' }) acceptedByAccountId: number;
  @Column({ type: 'varchar', length: 40 }) agreement: string;
  @Column({ type: 'varchar', length: 40 }) version: string;
  @Column({ ...epochMs, name: 'accepted_at' }) acceptedAt: number;
  @Column({ type: 'int', name: 'subject_account_id', nullable: true }) subjectAccountId: number | null;
  @Column({ type: 'int', name: 'upload_batch_id', nullable: true }) uploadBatchId: number | null;
}

@Entity('outbox_message')
@Index('ix_outbox_message_due', ['status', 'nextAttemptAt'])
@Index('ix_outbox_message_account', ['accountId'])
export class OutboxMessageRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 254 }) recipient: string;
  @Column({ type: 'varchar', length: 20, nullable: true }) template: 'invitation' | 'password-reset' | null;
  @Column({ type: 'varchar', length: 300 }) subject: string;
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'varchar', length: 10 }) status: string;
  @Column({ type: 'int' }) attempts: number;
  @Column({ ...epochMs, name: 'created_at' }) createdAt: number;
  @Column({ ...epochMs, name: 'next_attempt_at' }) nextAttemptAt: number;
  @Column({ ...epochMs, name: 'sent_at', nullable: true }) sentAt: number | null;
  @Column({ type: 'varchar', length: 500, name: 'last_error', nullable: true }) lastError: string | null;
  @Column({ type: 'int', name: 'account_id', nullable: true }) accountId: number | null;
}

@Entity('throttle_counter')
@Index('ix_throttle_counter_clears_at', ['clearsAt'])
export class ThrottleCounterRecord {
  @PrimaryColumn({ type: 'varchar', length: 300, name: 'throttle_key' }) throttleKey: string;
  @Column({ ...epochMs, name: 'clears_at' }) clearsAt: number;
}

/** An admin's recent invitations of one kind (see RecentInvitations), locked while a take is decided. */
@Entity('invitation_allowance')
export class InvitationAllowanceRecord {
  @PrimaryColumn({ type: 'int', name: 'account_id' }) accountId: number;
  @PrimaryColumn({ type: 'varchar', length: 16 }) kind: string;
  /** JSON: [[slice start, invitations], …]. */
  @Column({ type: 'text' }) recent: string;
}

@Entity('upload_batch')
@Index('ix_upload_batch_site', ['schoolSiteId', 'id'])
@Index('ix_upload_batch_roster_import', ['rosterImportId'])
@Index('ix_upload_batch_status', ['status', 'id'])
export class UploadBatchRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'int', name: 'school_site_id' }) schoolSiteId: number;
  @Column({ type: 'int', name: 'uploaded_by_account_id' }) uploadedByAccountId: number;
  @Column({ type: 'varchar', length: 255, name: 'file_name' }) fileName: string;
  @Column({ type: 'bigint', name: 'byte_size' }) byteSize: number;
  @Column({ type: 'smallint', name: 'dry_run' }) dryRun: number;
  @Column({ type: 'varchar', length: 12 }) status: string;
  @Column({ type: 'int', name: 'total_rows', nullable: true }) totalRows: number | null;
  @Column({ type: 'int', name: 'records_processed' }) recordsProcessed: number;
  @Column({ type: 'int', name: 'records_created' }) recordsCreated: number;
  @Column({ type: 'int', name: 'records_skipped' }) recordsSkipped: number;
  @Column({ type: 'int', name: 'records_failed' }) recordsFailed: number;
  @Column({ type: 'text', name: 'rejection_reason', nullable: true }) rejectionReason: string | null;
  @Column({ type: 'text', nullable: true }) warnings: string | null;
  @Column({ ...epochMs, name: 'created_at' }) createdAt: number;
  @Column({ ...epochMs, name: 'start_time', nullable: true }) startTime: number | null;
  @Column({ ...epochMs, name: 'end_time', nullable: true }) endTime: number | null;
  @Column({ type: 'varchar', length: 100, name: 'lease_owner', nullable: true }) leaseOwner: string | null;
  @Column({ ...epochMs, name: 'lease_expires_at', nullable: true }) leaseExpiresAt: number | null;
  @Column({ type: 'int', name: 'failed_attempts', default: 0 }) failedAttempts: number;
  @Column({ type: 'text', name: 'failure_reason', nullable: true }) failureReason: string | null;
  @Column({ type: 'varchar', length: 100, name: 'idempotency_key', nullable: true }) idempotencyKey: string | null;
  @Column({ type: 'int', name: 'records_removed', nullable: true }) recordsRemoved: number | null;
  @Column({ type: 'int', name: 'records_kept', nullable: true }) recordsKept: number | null;
  @Column({ type: 'int', name: 'created_from_batch_id', nullable: true }) createdFromBatchId: number | null;
  @Column({ type: 'int', name: 'followed_by_batch_id', nullable: true }) followedByBatchId: number | null;
  @Column({ type: 'int', name: 'rows_corrected', default: 0 }) rowsCorrected: number;
  @Column({ type: 'int', name: 'roster_import_id', nullable: true }) rosterImportId: number | null;
}

@Entity('upload_file_chunk')
export class UploadFileChunkRecord {
  @PrimaryColumn({ type: 'int', name: 'batch_id' }) batchId: number;
  @PrimaryColumn({ type: 'int' }) seq: number;
  @Column({ type: 'blob' }) data: Buffer;
}

/** A failing row of a check, corrected in the page: these cells replace its line when the run created from the check reads the file. */
@Entity('upload_row_correction')
export class UploadRowCorrectionRecord {
  @PrimaryColumn({ type: 'int', name: 'batch_id' }) batchId: number;
  @PrimaryColumn({ type: 'int', name: 'line_number' }) lineNumber: number;
  /** JSON: the template's cells in order. */
  @Column({ type: 'text' }) cells: string;
  @Column({ type: 'int', name: 'corrected_by_account_id' }) correctedByAccountId: number;
  @Column({ ...epochMs, name: 'corrected_at' }) correctedAt: number;
}

@Entity('upload_failure')
@Index('uq_upload_failure_line', ['batchId', 'lineNumber'], { unique: true })
export class UploadFailureRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'int', name: 'batch_id' }) batchId: number;
  @Column({ type: 'int', name: 'line_number' }) lineNumber: number;
  @Column({ type: 'varchar', length: 40 }) code: string;
  @Column({ type: 'varchar', length: 500 }) reason: string;
  @Column({ type: 'varchar', length: 200, name: 'role_as_written' }) roleAsWritten: string;
  @Column({ type: 'varchar', length: 300, nullable: true }) email: string | null;
  @Column({ type: 'text', name: 'original_cells' }) originalCells: string;
}

/** Written in plain SQL by the upload store; a record so that the schema knows the table. */
@Entity('upload_log_version')
export class UploadLogVersionRecord {
  @PrimaryColumn({ type: 'int', name: 'school_site_id' }) schoolSiteId: number;
  @Column({ type: 'bigint', default: 0 }) version: number;
}

/** Written in plain SQL (account-list-version.ts); a record so that the schema knows the table. */
@Entity('account_list_version')
export class AccountListVersionRecord {
  @PrimaryColumn({ type: 'int', name: 'district_id' }) districtId: number;
  @Column({ type: 'bigint', default: 0 }) version: number;
}

/** Written in plain SQL by the upload store: when a worker last gave one of the site's batches a turn. */
@Entity('upload_site_queue')
@Index('ix_upload_site_queue_district', ['districtId', 'lastTurnAt'])
export class UploadSiteQueueRecord {
  @PrimaryColumn({ type: 'int', name: 'school_site_id' }) schoolSiteId: number;
  @Column({ type: 'int', name: 'district_id' }) districtId: number;
  @Column({ ...epochMs, name: 'last_turn_at', default: 0 }) lastTurnAt: number;
}

/** Written in plain SQL (sql-idempotency-keys.ts); a record so that the schema knows the table. */
@Entity('idempotency_key')
@Index('ix_idempotency_key_created', ['createdAt'])
export class IdempotencyKeyRecord {
  @PrimaryColumn({ type: 'int', name: 'owner_account_id' }) ownerAccountId: number;
  @PrimaryColumn({ type: 'varchar', length: 100, name: 'idempotency_key' }) idempotencyKey: string;
  @Column({ type: 'varchar', length: 64, name: 'request_digest' }) requestDigest: string;
  @Column({ ...epochMs, name: 'created_at' }) createdAt: number;
  @Column({ type: 'int', name: 'educator_account_id', nullable: true }) educatorAccountId: number | null;
  @Column({ type: 'int', name: 'upload_batch_id', nullable: true }) uploadBatchId: number | null;
}

/** Only the SHA-256 of a session's secret is stored: a copy of the table signs nobody in. */
@Entity('browser_session')
@Index('ix_browser_session_expires', ['expiresAt'])
@Index('ix_browser_session_account', ['accountId'])
export class BrowserSessionRecord {
  @PrimaryColumn({ type: 'varchar', length: 64, name: 'secret_hash' }) secretHash: string;
  @Column({ type: 'int', name: 'account_id' }) accountId: number;
  @Column({ ...epochMs, name: 'started_at' }) startedAt: number;
  @Column({ ...epochMs, name: 'last_used_at' }) lastUsedAt: number;
  @Column({ ...epochMs, name: 'expires_at' }) expiresAt: number;
}

/** An outstanding reset: its code is derived from the id and request time when the email is sent, never stored. */
@Entity('password_reset')
@Index('ix_password_reset_account', ['accountId'])
export class PasswordResetRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'int', name: 'account_id' }) accountId: number;
  @Column({ ...epochMs, name: 'requested_at' }) requestedAt: number;
  @Column({ ...epochMs, name: 'expires_at' }) expiresAt: number;
  @Column({ ...epochMs, name: 'used_at', nullable: true }) usedAt: number | null;
}

/** Written in plain SQL (sql-roster-imports.ts): a District Admin's OneRoster upload, as read. */
@Entity('roster_import')
@Index('ix_roster_import_district', ['districtId', 'id'])
export class RosterImportRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'int', name: 'district_id' }) districtId: number;
  @Column({ type: 'int', name: 'uploaded_by_account_id' }) uploadedByAccountId: number;
  @Column({ type: 'varchar', length: 255, name: 'file_name' }) fileName: string;
  @Column({ type: 'varchar', length: 8 }) version: string;
  @Column({ ...epochMs, name: 'created_at' }) createdAt: number;
  @Column({ ...epochMs, name: 'started_at', nullable: true }) startedAt: number | null;
  @Column({ type: 'int', name: 'ignored_students', default: 0 }) ignoredStudents: number;
  @Column({ type: 'int', name: 'ignored_guardians', default: 0 }) ignoredGuardians: number;
  @Column({ type: 'int', name: 'ignored_disabled', default: 0 }) ignoredDisabled: number;
  @Column({ type: 'int', name: 'ignored_to_be_deleted', default: 0 }) ignoredToBeDeleted: number;
}

@Entity('roster_school')
export class RosterSchoolRecord {
  @PrimaryColumn({ type: 'int', name: 'roster_import_id' }) rosterImportId: number;
  @PrimaryColumn({ type: 'varchar', length: 255, name: 'sourced_id' }) sourcedId: string;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) identifier: string | null;
  @Column({ type: 'varchar', length: 32, name: 'org_type' }) orgType: string;
}

@Entity('roster_staff')
export class RosterStaffRecord {
  @PrimaryColumn({ type: 'int', name: 'roster_import_id' }) rosterImportId: number;
  @PrimaryColumn({ type: 'int', name: 'line_number' }) lineNumber: number;
  @Column({ type: 'varchar', length: 255, name: 'org_sourced_id', nullable: true }) orgSourcedId: string | null;
  @Column({ type: 'varchar', length: 40, name: 'roster_role' }) rosterRole: string;
  @Column({ type: 'varchar', length: 255, name: 'given_name' }) givenName: string;
  @Column({ type: 'varchar', length: 255, name: 'family_name' }) familyName: string;
  @Column({ type: 'varchar', length: 320 }) email: string;
}

/** Written in plain SQL (sql-audit-trail.ts); a record so that the schema knows the table. */
@Entity('audit_event')
@Index('ix_audit_event_district', ['districtId', 'id'])
@Index('ix_audit_event_site', ['schoolSiteId', 'id'])
@Index('ix_audit_event_occurred', ['occurredAt'])
export class AuditEventRecord {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ ...epochMs, name: 'occurred_at' }) occurredAt: number;
  @Column({ type: 'varchar', length: 40 }) action: string;
  @Column({ type: 'varchar', length: 40 }) outcome: string;
  @Column({ type: 'int', name: 'actor_account_id', nullable: true }) actorAccountId: number | null;
  @Column({ type: 'varchar', length: 320, name: 'actor_email', nullable: true }) actorEmail: string | null;
  @Column({ type: 'int', name: 'target_account_id', nullable: true }) targetAccountId: number | null;
  @Column({ type: 'int', name: 'target_batch_id', nullable: true }) targetBatchId: number | null;
  @Column({ type: 'int', name: 'district_id', nullable: true }) districtId: number | null;
  @Column({ type: 'int', name: 'school_site_id', nullable: true }) schoolSiteId: number | null;
  @Column({ type: 'varchar', length: 64, name: 'client_address' }) clientAddress: string;
  @Column({ type: 'varchar', length: 500, nullable: true }) detail: string | null;
}

export const ALL_RECORDS = [
  DistrictRecord,
  SchoolSiteRecord,
  EducatorAccountRecord,
  EducatorAccountSiteRecord,
  AgreementAcceptanceRecord,
  OutboxMessageRecord,
  ThrottleCounterRecord,
  InvitationAllowanceRecord,
  UploadBatchRecord,
  UploadFileChunkRecord,
  UploadFailureRecord,
  UploadRowCorrectionRecord,
  UploadLogVersionRecord,
  AccountListVersionRecord,
  UploadSiteQueueRecord,
  IdempotencyKeyRecord,
  BrowserSessionRecord,
  AuditEventRecord,
  PasswordResetRecord,
  RosterImportRecord,
  RosterSchoolRecord,
  RosterStaffRecord,
];
