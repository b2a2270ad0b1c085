import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { EducatorAccountType } from './account.types';
import { plainFields, UserError } from './common.types';

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
