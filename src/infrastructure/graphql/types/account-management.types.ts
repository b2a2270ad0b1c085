import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { EducatorAccountType } from './account.types';
import { plainFields, UserError, WarningType } from './common.types';
import { RoleCodeEnum } from './enums';

@InputType()
export class AccountIdInput {
  @Field(() => ID) @MaxLength(100) accountId: string;
}

@InputType()
export class ResendInvitationInput extends AccountIdInput {}

@ObjectType(plainFields)
export class AccountActionPayload {
  @Field(() => EducatorAccountType, { nullable: true }) account: EducatorAccountType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType(plainFields)
export class ResendInvitationPayload extends AccountActionPayload {}

@InputType()
export class UnlockAccountInput extends AccountIdInput {}

@ObjectType(plainFields)
export class UnlockAccountPayload extends AccountActionPayload {}

@InputType()
export class RecreateEducatorAccountInput extends AccountIdInput {}

@ObjectType(plainFields)
export class RecreateEducatorAccountPayload extends AccountActionPayload {}

@InputType()
export class RecreateExpiredAccountsInput {
  @Field(() => ID) @MaxLength(100) schoolSiteId: string;
}

@ObjectType(plainFields)
export class RecreateExpiredAccountsPayload {
  @Field(() => Int) recreatedCount: number;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType({ description: 'Absent fields stay as they are.' })
export class UpdateEducatorAccountInput extends AccountIdInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(1000) firstName?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(1000) lastName?: string | null;
  @Field(() => String, { nullable: true, description: 'Before registration only; a new email gets a new registration code and invitation.' })
  @IsOptional()
  @MaxLength(1000)
  email?: string | null;
  @Field(() => RoleCodeEnum, { nullable: true }) @IsOptional() roleCode?: RoleCodeEnum | null;
  @Field(() => [ID], { nullable: true, description: "The account's sites, all of them (as at creation)." })
  @IsOptional()
  @ArrayMaxSize(100)
  schoolSiteIds?: string[] | null;
}

@ObjectType(plainFields)
export class UpdateEducatorAccountPayload extends AccountActionPayload {
  @Field(() => [WarningType]) warnings: WarningType[];
}
