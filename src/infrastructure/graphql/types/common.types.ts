import { Field, ObjectType, type ObjectTypeOptions } from 'type-graphql';
import type { DomainError } from '../../../domain/shared/result';
import type { Warning } from '../../../domain/school/site-admin-recommendation';

/**
 * Our object types are plain data, with no per-field middleware or authorization: graphql-js reads each field
 * itself instead of calling one type-graphql wrapper per field of every row (a log page has over a thousand).
 * Fields with a @FieldResolver are unaffected.
 */
export const plainFields: ObjectTypeOptions = { simpleResolvers: true };

@ObjectType(plainFields)
export class UserError {
  @Field(() => String) code: string;
  @Field(() => String) message: string;
  @Field(() => [String], { nullable: true }) field?: string[];

  static from(error: DomainError): UserError {
    return Object.assign(new UserError(), { code: error.code, message: error.message, field: error.field });
  }
}

@ObjectType('Warning', plainFields)
export class WarningType {
  @Field(() => String) code: string;
  @Field(() => String) message: string;

  static from(warning: Warning): WarningType {
    return Object.assign(new WarningType(), warning);
  }
}

@ObjectType(plainFields)
export class PageInfo {
  @Field(() => Boolean) hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}
