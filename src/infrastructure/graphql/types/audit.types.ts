import { IsDate, IsEnum, IsOptional, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { AuditAction } from '../../../application/ports/audit-trail';
import { PageArgs } from './account.inputs';
import { SchoolSiteType } from './account.types';
import { PageInfo, plainFields } from './common.types';

// Typed against the port's list, so an action added there and not here does not compile.
const AUDIT_ACTIONS: { [Action in AuditAction]: Action } = {
  ACCOUNT_CREATED: 'ACCOUNT_CREATED',
  ACCOUNTS_UPLOADED: 'ACCOUNTS_UPLOADED',
  UPLOAD_ROW_CORRECTED: 'UPLOAD_ROW_CORRECTED',
  CHECKED_ACCOUNTS_CREATED: 'CHECKED_ACCOUNTS_CREATED',
  UPLOAD_CANCELLED: 'UPLOAD_CANCELLED',
  UPLOAD_UNDONE: 'UPLOAD_UNDONE',
  INVITATION_RESENT: 'INVITATION_RESENT',
  ACCOUNT_RECREATED: 'ACCOUNT_RECREATED',
  EXPIRED_ACCOUNTS_RECREATED: 'EXPIRED_ACCOUNTS_RECREATED',
  ACCOUNT_UPDATED: 'ACCOUNT_UPDATED',
  ACCOUNT_DEACTIVATED: 'ACCOUNT_DEACTIVATED',
  ACCOUNT_REACTIVATED: 'ACCOUNT_REACTIVATED',
  ACCOUNT_UNLOCKED: 'ACCOUNT_UNLOCKED',
  SIGNED_IN: 'SIGNED_IN',
  SIGN_IN_REFUSED: 'SIGN_IN_REFUSED',
  PASSWORD_RESET_REQUESTED: 'PASSWORD_RESET_REQUESTED',
  PASSWORD_RESET: 'PASSWORD_RESET',
  PASSWORD_CHANGED: 'PASSWORD_CHANGED',
  ROSTER_UPLOADED: 'ROSTER_UPLOADED',
  ROSTER_IMPORT_STARTED: 'ROSTER_IMPORT_STARTED',
  SCHOOL_SITE_EXTERNAL_ID_SET: 'SCHOOL_SITE_EXTERNAL_ID_SET',
};
export const AuditActionEnum = AUDIT_ACTIONS;
registerEnumType(AuditActionEnum, { name: 'AuditAction' });

@ObjectType('AuditAccount', { ...plainFields, description: 'An account an event names, as it is now.' })
export class AuditAccountType {
  @Field(() => ID) id: string;
  @Field(() => String) email: string;
  @Field(() => String) name: string;
}

@ObjectType('AuditEvent', plainFields)
export class AuditEventType {
  @Field(() => ID) id: string;
  @Field(() => Date) occurredAt: Date;
  @Field(() => AuditActionEnum) action: AuditAction;
  @Field(() => String, { description: "SUCCEEDED, or the refusal's stable code (EMAIL_TAKEN, INVALID_CREDENTIALS, FORBIDDEN, …)." }) outcome: string;
  @Field(() => AuditAccountType, { nullable: true, description: 'Who acted; null when nobody was signed in (a sign-in attempt).' })
  actor: AuditAccountType | null;
  @Field(() => String, { nullable: true, description: "The email a refused sign-in named; otherwise the actor's email." }) actorEmail: string | null;
  @Field(() => AuditAccountType, { nullable: true }) targetAccount: AuditAccountType | null;
  @Field(() => ID, { nullable: true, description: 'The upload batch (as uploadBatch(id:) takes it).' }) targetBatchId: string | null;
  @Field(() => SchoolSiteType, { nullable: true }) schoolSite: SchoolSiteType | null;
  @Field(() => String) clientAddress: string;
  @Field(() => String, { nullable: true, description: 'A short fact for a person (an email named, a file name); never a secret.' }) detail: string | null;
}

@ObjectType(plainFields)
export class AuditEventConnection {
  @Field(() => [AuditEventType]) nodes: AuditEventType[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Omit for every site (District Admin: the whole district) the viewer may read.' })
  @IsOptional()
  @MaxLength(100)
  schoolSiteId?: string | null;

  @Field(() => AuditActionEnum, { nullable: true }) @IsOptional() @IsEnum(AuditActionEnum) action?: AuditAction | null;

  @Field(() => ID, { nullable: true }) @IsOptional() @MaxLength(100) actorAccountId?: string | null;

  @Field(() => String, { nullable: true, description: "Part of the actor's email (or of the email a refused sign-in named)." })
  @IsOptional()
  @MaxLength(254)
  search?: string | null;

  @Field(() => Date, { nullable: true, description: 'Events at or after this time.' }) @IsOptional() @IsDate() from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Events before this time.' }) @IsOptional() @IsDate() to?: Date | null;
}
