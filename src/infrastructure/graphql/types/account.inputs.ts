import { ArrayMaxSize, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { EducatorAccountType } from './account.types';
import { IdempotencyKeyField, plainFields, UserError, WarningType } from './common.types';
import { AccountSortFieldEnum, AccountStatusEnum, RoleCodeEnum, SortDirectionEnum } from './enums';

// Shape limits only (BAD_USER_INPUT); the business rules on these values answer as userErrors.
const GENEROUS = 1000;

@InputType()
export class SignInInput {
  @Field(() => String) @MaxLength(GENEROUS) username: string;
  @Field(() => String) @MaxLength(GENEROUS) password: string;
}

@ObjectType(plainFields)
export class SignInPayload {
  @Field(() => String, { nullable: true }) token: string | null;
  @Field(() => EducatorAccountType, { nullable: true }) account: EducatorAccountType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType(plainFields)
export class StartSessionPayload {
  @Field(() => EducatorAccountType, { nullable: true }) account: EducatorAccountType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class CreateEducatorAccountInput {
  @Field(() => String) @MaxLength(GENEROUS) firstName: string;
  @Field(() => String) @MaxLength(GENEROUS) lastName: string;
  @Field(() => String) @MaxLength(GENEROUS) email: string;
  @Field(() => RoleCodeEnum) roleCode: RoleCodeEnum;
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(100) schoolSiteIds?: string[] | null;
  @Field(() => Boolean) agreementAccepted: boolean;
  @IdempotencyKeyField('the account the first request created') idempotencyKey?: string | null;
}

@ObjectType(plainFields)
export class CreateEducatorAccountPayload {
  @Field(() => EducatorAccountType, { nullable: true }) account: EducatorAccountType | null;
  @Field(() => [WarningType]) warnings: WarningType[];
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class RegisterAccountInput {
  @Field(() => String) @MaxLength(GENEROUS) email: string;
  @Field(() => String) @MaxLength(GENEROUS) registrationCode: string;
  @Field(() => String) @MaxLength(GENEROUS) password: string;
  @Field(() => Boolean) educationalInterestAccepted: boolean;
}

@ObjectType(plainFields)
export class RegisterAccountPayload {
  @Field(() => EducatorAccountType, { nullable: true }) account: EducatorAccountType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'At most 100; 50 when omitted.' })
  @IsOptional()
  @Min(0)
  @Max(100)
  first?: number | null;

  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) after?: string | null;
}

@InputType()
export class AccountSortInput {
  @Field(() => AccountSortFieldEnum) field: AccountSortFieldEnum;
  @Field(() => SortDirectionEnum, { defaultValue: SortDirectionEnum.ASC }) direction: SortDirectionEnum;
}

@ArgsType()
export class EducatorAccountsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: "Omitted: every account the viewer manages (a District Admin's district, a Site Admin's sites)." })
  @IsOptional()
  @MaxLength(100)
  schoolSiteId?: string | null;

  @Field(() => AccountStatusEnum, { nullable: true }) @IsOptional() status?: AccountStatusEnum | null;
  @Field(() => RoleCodeEnum, { nullable: true }) @IsOptional() roleCode?: RoleCodeEnum | null;

  @Field(() => String, { nullable: true, description: 'Matches the start of the first name, last name or email, ignoring case.' })
  @IsOptional()
  @MaxLength(200)
  search?: string | null;

  @Field(() => AccountSortInput, { nullable: true, description: 'Oldest first (CREATED_AT ASC) when omitted; ties broken by id.' })
  @IsOptional()
  sort?: AccountSortInput | null;
}

@InputType()
export class DeactivateEducatorAccountInput {
  @Field(() => ID) @MaxLength(GENEROUS) accountId: string;
}

@ObjectType(plainFields)
export class DeactivateEducatorAccountPayload {
  @Field(() => EducatorAccountType, { nullable: true }) account: EducatorAccountType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class ReactivateEducatorAccountInput {
  @Field(() => ID) @MaxLength(GENEROUS) accountId: string;
}

@ObjectType(plainFields)
export class ReactivateEducatorAccountPayload {
  @Field(() => EducatorAccountType, { nullable: true }) account: EducatorAccountType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class ChangePasswordInput {
  @Field(() => String) @MaxLength(GENEROUS) currentPassword: string;
  @Field(() => String) @MaxLength(GENEROUS) newPassword: string;
}

@ObjectType(plainFields)
export class ChangePasswordPayload {
  @Field(() => EducatorAccountType, { nullable: true }) account: EducatorAccountType | null;
  @Field(() => String, {
    nullable: true,
    description:
      "A bearer client's fresh token: the change ended every token issued before, the sender's too. Null for a browser session, which stays signed in.",
  })
  token: string | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType()
export class RequestPasswordResetInput {
  @Field(() => String) @MaxLength(GENEROUS) email: string;
}

@ObjectType(plainFields)
export class RequestPasswordResetPayload {
  @Field(() => [UserError], { description: 'Empty whether or not the email names an account; TOO_MANY_ATTEMPTS when throttled.' })
  userErrors: UserError[];
}

@InputType()
export class ResetPasswordInput {
  @Field(() => String) @MaxLength(GENEROUS) email: string;
  @Field(() => String) @MaxLength(GENEROUS) code: string;
  @Field(() => String) @MaxLength(GENEROUS) newPassword: string;
}

@ObjectType(plainFields)
export class ResetPasswordPayload {
  @Field(() => [UserError], { description: 'Empty when the password was reset; then sign in with it.' }) userErrors: UserError[];
}
