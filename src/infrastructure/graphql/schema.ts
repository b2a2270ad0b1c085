import { DateTimeResolver } from 'graphql-scalars';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ResolverData } from 'type-graphql';
import { AccountResolver } from './resolvers/account.resolver';
import { SchoolSiteResolver } from './resolvers/school-site.resolver';
import { UploadResolver } from './resolvers/upload.resolver';


export const RESOLVER_CLASSES = [AccountResolver, SchoolSiteResolver, UploadResolver] as const;

/** type-graphql asks this for resolver instances; the composition root built them all by hand. */
export type ResolverInstances = Map<Function, object>;

export const buildGraphQLSchema = (instances: ResolverInstances): Promise<GraphQLSchema> =>
  buildSchema({
    resolvers: RESOLVER_CLASSES,
    container: { get: (someClass: Function, _resolverData: ResolverData) => instances.get(someClass) },
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    // Never echo the rejected input back: it may be a password.
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
    emitSchemaFile: false,
  });
