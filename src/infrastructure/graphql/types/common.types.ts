import { IsOptional, Matches } from 'class-validator';
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

  static from(this: void, error: DomainError): UserError {
    return Object.assign(new UserError(), { code: error.code, message: error.message, field: error.field });
  }
}

@ObjectType('Warning', plainFields)
export class WarningType {
  @Field(() => String) code: string;
  @Field(() => String) message: string;

  static from(this: void, warning: Warning): WarningType {
    return Object.assign(new WarningType(), warning);
  }
}

@ObjectType(plainFields)
export class PageInfo {
  @Field(() => Boolean) hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

/** Visible ASCII only: a UUID fits, and no two spellings (spaces, look-alike letters) can be taken for one key. */
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,100}$/;

/** The optional `idempotencyKey` of a mutation a client may send again; `answered` says what a retry is answered. */
export const IdempotencyKeyField =
  (answered: string): PropertyDecorator =>
  (target, property) => {
    const description = `Optional, 1-100 visible ASCII characters (a UUID is typical), new for each new request. Sent again by the same admin with the \
same input within 24 hours, it is answered ${answered}; with a different input, IDEMPOTENCY_KEY_REUSED.`;
    Field(() => String, { nullable: true, description })(target, property);
    IsOptional()(target, property);
    Matches(IDEMPOTENCY_KEY, { message: 'idempotencyKey must be 1 to 100 visible ASCII characters, without spaces (a UUID, for example).' })(target, property);
  };
