import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { DateTimeResolver } from 'graphql-scalars';
import type { GraphQLSchema } from 'graphql';
import { ArgumentValidationError, buildSchema, type PubSub, type ResolverData } from 'type-graphql';
import { AccountResolver } from './resolvers/account.resolver';
import { AuditResolver } from './resolvers/audit.resolver';
import { CheckPreviewResolver } from './resolvers/check-preview.resolver';
import { AccountManagementResolver } from './resolvers/account-management.resolver';
import { SchoolSiteResolver } from './resolvers/school-site.resolver';
import { AccountLifecycleResolver } from './resolvers/account-lifecycle.resolver';
import { PasswordResetResolver } from './resolvers/password-reset.resolver';
import { SessionResolver } from './resolvers/session.resolver';
import { UploadResolver } from './resolvers/upload.resolver';
import { RosterResolver } from './resolvers/roster.resolver';

/** What type-graphql's own `validate` setting would apply: missing fields are GraphQL's to refuse (non-null types). */
const VALIDATOR_OPTIONS: ValidatorOptions = {
  skipMissingProperties: true,
  forbidUnknownValues: false,
  // Never echo the rejected input back: it may be a password.
  validationError: { target: false, value: false },
};

/**
 * The input classes' class-validator rules, checked as type-graphql's `validate` setting checks them (a refusal is its
 * ArgumentValidationError, so BAD_USER_INPUT). type-graphql itself requires class-validator for every argument it
 * validates, and Node resolves such a require afresh each time when another file loaded the module first (path and
 * package.json look-ups), a cost under creation load (docs/adr/0007). Here the module is imported once.
 */
const validateArgument = async (value: unknown): Promise<void> => {
  if (value === null || typeof value !== 'object') return;
  try {
    await Promise.all(
      (Array.isArray(value) ? (value as unknown[]) : [value])
        .filter((item): item is object => item !== null && typeof item === 'object')
        .map((item) => validateOrReject(item, VALIDATOR_OPTIONS)),
    );
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
};

export const RESOLVER_CLASSES = [
  AccountResolver,
  AccountLifecycleResolver,
  AccountManagementResolver,
  AuditResolver,
  SchoolSiteResolver,
  SessionResolver,
  PasswordResetResolver,
  UploadResolver,
  CheckPreviewResolver,
  RosterResolver,
] as const;

/** type-graphql asks this for resolver instances; the composition root built them all by hand. */
export type ResolverInstances = Map<ResolverClass, object>;
export type ResolverClass = abstract new (...args: never[]) => object;

/** type-graphql insists on a PubSub; every subscription here brings its own `subscribe` (changes are read from the database). */
const NO_TOPICS: PubSub = {
  publish: () => {
    throw new Error('Subscriptions here have no topics to publish to.');
  },
  subscribe: () => {
    throw new Error('Subscriptions here have no topics to subscribe to.');
  },
};

export const buildGraphQLSchema = (instances: ResolverInstances): Promise<GraphQLSchema> =>
  buildSchema({
    resolvers: RESOLVER_CLASSES,
    container: { get: (someClass: ResolverClass, _resolverData: ResolverData) => instances.get(someClass) },
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validateFn: validateArgument,
    pubSub: NO_TOPICS,
    emitSchemaFile: false,
  });
