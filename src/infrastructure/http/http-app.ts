import { ApolloServer } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type Request } from 'express';
import type { GraphQLSchema } from 'graphql';
import { graphqlUploadExpress } from 'graphql-upload-ts';
import type { Config } from '../../config';
import type { IdentifyActor } from '../../application/identify-actor';
import type { RequestContext, Loaders } from '../graphql/context';
import { formatError, type ErrorLogger } from '../graphql/error-formatting';
import type { PublicIds } from '../auth/public-ids';
import { bearerToken } from './bearer-token';
import { UploadLogCache, identifiedViewer, type UploadLogVersions } from './upload-log-cache';

export interface HttpDependencies {
  config: Config;
  schema: GraphQLSchema;
  identifyActor: IdentifyActor;
  publicIds: PublicIds;
  createLoaders: () => Loaders;
  log: ErrorLogger;
  /** Plain HTTP routes (CSV downloads) mounted before GraphQL. */
  routes?: express.Router;
  uploadLogVersions: UploadLogVersions;
}

export const GRAPHQL_LIMITS = { depth: 10, aliases: 20, cost: 5000, tokens: 2000 } as const;

export const createHttpApp = async (deps: HttpDependencies): Promise<{ app: Express; apollo: ApolloServer<RequestContext> }> => {
  // Depth, alias, cost and token limits stop one request from doing a thousand requests' work; batched requests stay refused.
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.depth },
    maxAliases: { n: GRAPHQL_LIMITS.aliases },
    costLimit: { maxCost: GRAPHQL_LIMITS.cost },
    // graphql-js counts tokens while parsing (parseOptions below); Armor's own counter answers syntax errors with HTTP 500.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: deps.config.production },
  }).protect();
  const apollo = new ApolloServer<RequestContext>({
    schema: deps.schema,
    introspection: deps.config.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: GRAPHQL_LIMITS.tokens },
    formatError: formatError(deps.log),
    csrfPrevention: true,
    // main.ts stops the HTTP server, the background loops and the database in order; Apollo must not exit first.
    stopOnTerminationSignals: false,
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins,
      // Its willResolveField made Apollo wrap every field's resolver, for nothing but the `no-store` header set below.
      ApolloServerPluginCacheControlDisabled(),
      deps.config.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await apollo.start();
  const uploadLogCache = new UploadLogCache(deps.schema, deps.identifyActor, deps.uploadLogVersions, {
    maxBytes: 16 * 1024 * 1024,
    maxAgeMs: 60_000,
    maxQueries: 500,
    maxTokens: GRAPHQL_LIMITS.tokens,
  });

  const app = express();
  app.disable('x-powered-by');
  // Every answer about staff is `no-store`, so no cache ever revalidates it: hashing each body for an ETag is wasted.
  app.set('etag', false);
  app.set('trust proxy', deps.config.trustProxy);
  app.get('/healthz', (_request, response) => {
    response.json({ ok: true });
  });
  if (deps.routes) app.use(deps.routes);
  app.use(
    '/graphql',
    (_request: Request, response: express.Response, next: express.NextFunction) => {
      // Staff data must stay out of browser and proxy caches.
      response.setHeader('cache-control', 'no-store');
      next();
    },
    graphqlUploadExpress({ maxFileSize: deps.config.maxUploadBytes + 1, maxFiles: 1, maxFieldSize: 1_000_000 }),
    express.json({ limit: '1mb' }),
    uploadLogCache.middleware,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const viewer = identifiedViewer(res) ?? (await deps.identifyActor.execute(bearerToken(req)));
        const loaders = deps.createLoaders();
        // The viewer's account was read for this very request: their own uploads' `uploadedBy` need not read it again.
        if (viewer) loaders.accounts.prime(viewer.actor.accountId, viewer.account);
        return { viewer, clientAddress: req.ip ?? 'unknown', publicIds: deps.publicIds, loaders };
      },
    }),
  );
  // Express 5 forwards rejected route promises here; its default handler would print the stack.
  app.use((error: unknown, request: Request, response: express.Response, _next: express.NextFunction) => {
    // Broken JSON, an oversized body or a broken multipart request is the client's to fix: say so, without details.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (!response.headersSent) response.status(status).json({ error: status === 413 ? 'The request is too large.' : 'The request is malformed.' });
      return;
    }
    deps.log('Unexpected error while answering an HTTP request', { path: request.path, error: error instanceof Error ? error.stack : String(error) });
    if (!response.headersSent) response.status(500).json({ error: 'Something went wrong on our side. Please try again.' });
  });
  return { app, apollo };
};
