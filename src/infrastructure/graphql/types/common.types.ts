import { Field, ObjectType } from 'type-graphql';
import type { DomainError } from '../../../domain/shared/result';
import type { Warning } from '../../../domain/school/site-admin-recommendation';

@ObjectType()
export class UserError {
  @Field(() => String) code: string;
  @Field(() => String) message: string;
  @Field(() => [String], { nullable: true }) field?: string[];

  static from(error: DomainError): UserError {
    return Object.assign(new UserError(), { code: error.code, message: error.message, field: error.field });
  }
}

@ObjectType('Warning')
export class WarningType {
  @Field(() => String) code: string;
  @Field(() => String) message: string;

  static from(warning: Warning): WarningType {
    return Object.assign(new WarningType(), warning);
  }
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}
