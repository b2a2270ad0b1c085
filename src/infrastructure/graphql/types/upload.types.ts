import { IsBoolean, IsOptional, MaxLength } from 'class-validator';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-ts';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { StoredFailure, UploadBatchView } from '../../../application/ports/upload-batches';
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
