import { IsBoolean, IsOptional, MaxLength, Min } from 'class-validator';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-ts';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { StoredFailure, UploadBatchView } from '../../../application/ports/upload-batches';
import { CHECK_KEPT_MS } from '../../../domain/upload-batch/check-preview';
import { failureMessage } from '../../../domain/upload-batch/upload-row';
import { EducatorAccountType, SchoolSiteType } from './account.types';
import { IdempotencyKeyField, PageInfo, plainFields, UserError, WarningType } from './common.types';
import { UploadBatchStatusEnum } from './enums';

@InputType()
export class UploadEducatorAccountsInput {
  @Field(() => ID) @MaxLength(100) schoolSiteId: string;
  @Field(() => GraphQLUpload) file: Promise<FileUpload>;
  @Field(() => Boolean) agreementAccepted: boolean;
  @Field(() => Boolean, { nullable: true, description: 'true: check every row (database included) and report, create nothing.' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean | null;
  @IdempotencyKeyField('the batch the first upload stored (the file is sent again, and must be the same)') idempotencyKey?: string | null;
}

@ObjectType('UploadRowCorrection', {
  ...plainFields,
  description: "A check's failing row as corrected in the page: it replaces that line when the check's accounts are created.",
})
export class UploadRowCorrectionType {
  @Field(() => Int) lineNumber: number;
  @Field(() => String) firstName: string;
  @Field(() => String) lastName: string;
  @Field(() => String) email: string;
  @Field(() => String) userRole: string;
  @Field(() => Date) correctedAt: Date;

  static from(this: void, correction: { lineNumber: number; cells: string[]; correctedAt: Date }): UploadRowCorrectionType {
    const [firstName = '', lastName = '', email = '', userRole = ''] = correction.cells;
    return Object.assign(new UploadRowCorrectionType(), {
      lineNumber: correction.lineNumber,
      firstName,
      lastName,
      email,
      userRole,
      correctedAt: correction.correctedAt,
    });
  }
}

@ObjectType('UploadFailure', plainFields)
export class UploadFailureType {
  @Field(() => Int, { description: 'Physical line in the file; the header is line 1.' }) lineNumber: number;
  @Field(() => String) schoolName: string;
  @Field(() => String) fileName: string;
  @Field(() => String, { description: 'The row\'s role as written, e.g. "Educator".' }) type: string;
  @Field(() => String, { nullable: true }) email: string | null;
  @Field(() => String) message: string;
  @Field(() => String) reason: string;
  @Field(() => String) code: string;
  @Field(() => [String], { description: "The cells of the line as read, in the template's column order (First Name, Last Name, Email, User Role)." })
  cells: string[];
  @Field(() => UploadRowCorrectionType, { nullable: true, description: 'How the line was corrected in the page (correctUploadRow), if it was.' })
  correction: UploadRowCorrectionType | null;

  static from(failure: StoredFailure, schoolName: string, fileName: string): UploadFailureType {
    return Object.assign(new UploadFailureType(), {
      lineNumber: failure.lineNumber,
      schoolName,
      fileName,
      type: failure.roleAsWritten,
      email: failure.email,
      message: failureMessage(failure.roleAsWritten, failure.email),
      reason: failure.reason,
      code: failure.code,
      cells: failure.cells,
      correction: failure.correction ? UploadRowCorrectionType.from({ lineNumber: failure.lineNumber, ...failure.correction }) : null,
    });
  }
}

@ObjectType(plainFields)
export class UploadFailureConnection {
  @Field(() => [UploadFailureType]) nodes: UploadFailureType[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

@ObjectType('UploadBatch', plainFields)
export class UploadBatchType {
  @Field(() => ID) id: string;
  @Field(() => String) fileName: string;
  @Field(() => UploadBatchStatusEnum) status: UploadBatchStatusEnum;
  @Field(() => Boolean) dryRun: boolean;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) startTime: Date | null;
  @Field(() => Date, { nullable: true }) endTime: Date | null;
  @Field(() => Int, { nullable: true, description: 'Data rows in the file, known once it is stored.' }) totalRows: number | null;
  @Field(() => Int, { description: "Data rows handled so far; equals the file's data rows when COMPLETED." }) recordsProcessed: number;
  @Field(() => Int, { description: 'On a dry run: rows that would be created.' }) recordsCreated: number;
  @Field(() => Int, { description: 'Already created for this site by an earlier upload.' }) recordsSkipped: number;
  @Field(() => Int) recordsFailed: number;
  @Field(() => String, { nullable: true }) rejectionReason: string | null;
  @Field(() => String, { nullable: true, description: 'Why a FAILED batch stopped, what stands and what to do, with the reference to give support.' })
  failureReason: string | null;
  @Field(() => [WarningType]) warnings: WarningType[];
  @Field(() => Int, { nullable: true, description: 'Once UNDONE: accounts it created that were still pending registration, removed by the undo.' })
  recordsRemoved: number | null;
  @Field(() => Int, { nullable: true, description: 'Once UNDONE: accounts it created that were already registered, kept by the undo.' })
  recordsKept: number | null;
  @Field(() => Int, {
    description: 'On a check: its failing rows corrected in the page. On an upload created from a check: the rows read with those corrections.',
  })
  rowsCorrected: number;
  @Field(() => Date, {
    nullable: true,
    description: 'On a finished check whose accounts were not created yet: until when createAccountsFromCheck can create them from its stored file.',
  })
  createAccountsUntil: Date | null;
  // Every resolver that answers a batch already holds its site (the scope check read it): no promise per row for it.
  @Field(() => SchoolSiteType, { description: '"Belongs To" in the log.' }) schoolSite: SchoolSiteType;
  view: UploadBatchView;
  /** uploadedBy when the resolver loaded the uploaders of a whole page at once; otherwise UploadResolver loads it. */
  uploader?: EducatorAccountType;

  // Field by field: spreading the view into a literal that adds keys was slow, and a page makes 50 of these (docs/adr/0012).
  static from(view: UploadBatchView, publicId: string, schoolSite: SchoolSiteType, uploader?: EducatorAccountType): UploadBatchType {
    return Object.assign(new UploadBatchType(), {
      id: publicId,
      fileName: view.fileName,
      status: view.status as UploadBatchStatusEnum,
      dryRun: view.dryRun,
      createdAt: view.createdAt,
      startTime: view.startTime,
      endTime: view.endTime,
      totalRows: view.totalRows,
      recordsProcessed: view.recordsProcessed,
      recordsCreated: view.recordsCreated,
      recordsSkipped: view.recordsSkipped,
      recordsFailed: view.recordsFailed,
      rejectionReason: view.rejectionReason,
      // The reference is the id the log shows; support finds the batch's log lines by it.
      failureReason: view.failureReason ? `${view.failureReason} Reference: ${publicId}.` : null,
      warnings: view.warnings.map(WarningType.from),
      recordsRemoved: view.recordsRemoved ?? null,
      recordsKept: view.recordsKept ?? null,
      rowsCorrected: view.rowsCorrected ?? 0,
      createAccountsUntil:
        view.dryRun && view.status === 'COMPLETED' && !view.followedByBatchId && view.endTime ? new Date(view.endTime.getTime() + CHECK_KEPT_MS) : null,
      schoolSite,
      view,
      uploader,
    });
  }
}

@ObjectType(plainFields)
export class UploadBatchConnection {
  @Field(() => [UploadBatchType]) nodes: UploadBatchType[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

@ObjectType(plainFields)
export class UploadEducatorAccountsPayload {
  @Field(() => UploadBatchType, { nullable: true }) batch: UploadBatchType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType(plainFields)
export class CsvTemplate {
  @Field(() => String) fileName: string;
  @Field(() => [String]) columns: string[];
  @Field(() => String) content: string;
}

@ObjectType('UndoPreview', plainFields)
export class UndoPreviewType {
  @Field(() => Int, { description: 'Accounts the batch created that are still pending registration: an undo now would remove them.' })
  accountsToRemove: number;
  @Field(() => Int, { description: 'Accounts the batch created that are registered: an undo now would keep them.' }) accountsToKeep: number;
}

@InputType()
export class CancelUploadBatchInput {
  @Field(() => ID) @MaxLength(100) batchId: string;
}

@InputType()
export class UndoUploadBatchInput {
  @Field(() => ID) @MaxLength(100) batchId: string;
}

@ObjectType(plainFields)
export class CancelUploadBatchPayload {
  @Field(() => UploadBatchType, { nullable: true, description: 'The batch as it stands after the call, cancelled or not.' }) batch: UploadBatchType | null;
  @Field(() => [UserError], { description: 'NOT_CANCELLABLE: the batch already ended.' }) userErrors: UserError[];
}

@ObjectType('KeptAccount', plainFields)
export class KeptAccountType {
  @Field(() => String) email: string;
  @Field(() => String) firstName: string;
  @Field(() => String) lastName: string;
}

@ObjectType(plainFields)
export class UndoUploadBatchPayload {
  @Field(() => UploadBatchType, { nullable: true, description: 'The batch as it stands after the call, undone or not.' }) batch: UploadBatchType | null;
  @Field(() => [KeptAccountType], { description: 'The registered accounts the undo kept, the first 100 by creation; batch.recordsKept counts them all.' })
  keptAccounts: KeptAccountType[];
  @Field(() => [UserError], { description: 'NOT_UNDOABLE: still running, a check only, already undone, or nothing created.' }) userErrors: UserError[];
}

@InputType()
export class CreateAccountsFromCheckInput {
  @Field(() => ID, { description: 'A finished check (an upload with dryRun: true).' }) @MaxLength(100) batchId: string;
}

@ObjectType(plainFields)
export class CreateAccountsFromCheckPayload {
  @Field(() => UploadBatchType, { nullable: true, description: "The queued upload that creates the check's accounts; the same one when asked again." })
  batch: UploadBatchType | null;
  @Field(() => [UserError], {
    description:
      'NOT_A_CHECK, CHECK_NOT_FINISHED, CHECK_NOT_USABLE (rejected, cancelled or failed), CHECK_EXPIRED (its file is no longer kept), ' +
      'TOO_MANY_QUEUED_UPLOADS, BULK_ROWS_LIMIT_REACHED.',
  })
  userErrors: UserError[];
}

@InputType()
export class CorrectUploadRowInput {
  @Field(() => ID, { description: 'A finished check whose accounts were not created yet.' }) @MaxLength(100) batchId: string;
  @Field(() => Int, { description: 'A failing line of the check.' }) @Min(2) lineNumber: number;
  @Field(() => String) @MaxLength(500) firstName: string;
  @Field(() => String) @MaxLength(500) lastName: string;
  @Field(() => String) @MaxLength(500) email: string;
  @Field(() => String, { description: 'A role name as the template takes it, e.g. "Educator".' }) @MaxLength(500) userRole: string;
}

@ObjectType(plainFields)
export class CorrectUploadRowPayload {
  @Field(() => UploadBatchType, { nullable: true }) batch: UploadBatchType | null;
  @Field(() => UploadFailureType, { nullable: true, description: 'The failing row with its correction.' }) failure: UploadFailureType | null;
  @Field(() => [UserError], {
    description:
      "The row's own codes (MISSING_FIELD, INVALID_NAME, INVALID_EMAIL, UNKNOWN_ROLE, ROLE_NOT_ALLOWED_IN_BULK, ROLE_NOT_ALLOWED, EMAIL_TAKEN) with the field to change; " +
      'NOT_A_FAILED_ROW; and those of createAccountsFromCheck about the check (CHECK_ALREADY_USED once its accounts were created).',
  })
  userErrors: UserError[];
}
