import { ApolloServer } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Config } from '../../processes/config';
import type { FollowUploadLog } from '../../application/follow-upload-log';
import type { IdentifyActor } from '../../application/identify-actor';
import type { RequestContext, Loaders } from '../graphql/context';
import type { Viewer } from '../../application/identify-actor';
import { formatError, type ErrorLogger } from '../graphql/error-formatting';
import type { PublicIds } from '../auth/public-ids';
import { currentRequest, type Log, type RequestFacts } from '../logging';
import { clientAddressResolver, fromTrustedProxy } from './client-address';
import { answerFailedRequest } from './failed-request';
import { graphiqlRoutes } from './graphiql-routes';
import { graphqlEndpoint } from './graphql-endpoint';
import { liveUpdatesEndpoint } from './live-updates-endpoint';
import { pageRoutes } from './page-routes';
import { credentialsOf, sessionCookieJar } from './session-cookie';
import { readinessRoute } from './readiness-route';
import type { Readiness } from '../health/readiness';
import { metricsRoute, type MetricsAccess } from './metrics-route';
import { metricsPlugin } from '../graphql/metrics-plugin';
import type { ServiceMetrics } from '../metrics/service-metrics';
import { AnswerCache, type AnswerVersions } from './answer-cache';
import type { Clock } from '../../application/ports/clock';

export interface HttpDependencies {
  config: Config;
  schema: GraphQLSchema;
  identifyActor: IdentifyActor;
  publicIds: PublicIds;
  createLoaders: () => Loaders;
  log: ErrorLogger;
  /** One line per request: what was asked, how it ended, by whom; never its variables or body. */
  accessLog: Log;
  /** Plain HTTP routes (CSV downloads), served beside GraphQL. */
  routes?: express.Router;
  answerVersions: AnswerVersions;
  /** The service's clock: how long an answer has been kept is measured by it, as account statuses are. */
  clock: Clock;
  followUploadLog: FollowUploadLog;
  /** The folder Vite builds the page into (web/dist). */
  webDist: string;
  readiness: Readiness;
  metrics: ServiceMetrics;
  /** Who `/metrics` answers on this server's port. */
  metricsAccess: MetricsAccess;
}

export const GRAPHQL_LIMITS = { depth: 10, aliases: 20, cost: 5000, tokens: 2000 } as const;

export interface HttpApp {
  /** Every request: `/graphql` to the GraphQL endpoint, anything else (the page included) to `routes`. */
  handleRequest: RequestListener;
  /** The plain HTTP routes, for listing them. */
  routes: Express;
  apollo: ApolloServer<RequestContext>;
}

export const createHttpApp = async (deps: HttpDependencies): Promise<HttpApp> => {
  // Depth, alias, cost and token limits stop one request from doing a thousand requests' work; batched requests stay refused.
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.depth },
    maxAliases: { n: GRAPHQL_LIMITS.aliases },
    costLimit: { maxCost: GRAPHQL_LIMITS.cost },
    // graphql-js counts tokens while parsing (parseOptions below); Armor's own counter answers syntax errors with HTTP 500.
    maxTokens: { enabled: false },
    // formatError drops suggestions from every message, those about variables too; Armor's would leave "[Suggestion hidden]?".
    blockFieldSuggestion: { enabled: false },
  }).protect();
  const formatErrors = formatError(deps.log, { hideSuggestions: deps.config.production });
  const apollo = new ApolloServer<RequestContext>({
    schema: deps.schema,
    introspection: deps.config.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // No client of ours sends persisted-query hashes: off, a hash is refused with PERSISTED_QUERY_NOT_SUPPORTED.
    persistedQueries: false,
    parseOptions: { maxTokens: GRAPHQL_LIMITS.tokens },
    formatError: formatErrors,
    csrfPrevention: true,
    // processes/api.ts stops the HTTP server, the background loops and the database in order; Apollo must not exit first.
    stopOnTerminationSignals: false,
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins,
      metricsPlugin(deps.metrics),
      // Its willResolveField made Apollo wrap every field's resolver, for nothing but the `no-store` header set below.
      ApolloServerPluginCacheControlDisabled(),
      {
        requestDidStart: async () => ({
          didResolveOperation: async ({ operationName }) => {
            const facts = currentRequest.getStore();
            if (facts && operationName) facts.operationName = operationName;
          },
        }),
      },
      deps.config.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await apollo.start();
  const answerCache = new AnswerCache(
    deps.schema,
    deps.identifyActor,
    deps.answerVersions,
    {
      maxBytes: 16 * 1024 * 1024,
      maxAgeMs: 60_000,
      maxQueries: 500,
      maxTokens: GRAPHQL_LIMITS.tokens,
    },
    () => deps.clock.now().getTime(),
  );
  const secureCookies = deps.config.publicUrl.startsWith('https:');
  const identify = (request: IncomingMessage) => deps.identifyActor.execute(credentialsOf(request));
  const clientAddressOf = clientAddressResolver(deps.config.trustProxy);
  /** The live-update stream has no answer to set a cookie on (`response` undefined): it neither starts nor ends sessions. */
  const contextFor = async (request: IncomingMessage, response: ServerResponse | undefined, identified: Viewer | null | undefined): Promise<RequestContext> => {
    const viewer = identified !== undefined ? identified : await identify(request);
    const loaders = deps.createLoaders();
    // The viewer's account was read for this very request: their own uploads' `uploadedBy` need not read it again.
    if (viewer) loaders.accounts.prime(viewer.actor.accountId, viewer.account);
    const facts = currentRequest.getStore();
    if (facts && viewer) facts.viewerId = deps.publicIds.encode('account', viewer.actor.accountId);
    return {
      viewer,
      sessionCookie: sessionCookieJar(request, response, secureCookies),
      clientAddress: clientAddressOf(request),
      publicIds: deps.publicIds,
      loaders,
    };
  };
  const graphql = graphqlEndpoint({
    apollo,
    answerCache,
    contextFor,
    limits: {
      jsonBytes: 1024 * 1024,
      jsonBodyMs: deps.config.jsonBodyTimeoutSeconds * 1000,
      upload: { maxFileSize: deps.config.maxUploadBytes + 1, maxFiles: 1, maxFieldSize: 1_000_000 },
    },
    log: deps.log,
  });

  const liveUpdates = liveUpdatesEndpoint({
    schema: deps.schema,
    validationRules: armor.validationRules,
    maxTokens: GRAPHQL_LIMITS.tokens,
    contextFor: (request) => contextFor(request, undefined, undefined),
    formatError: formatErrors,
    followUploadLogFor: (request) => (part) => deps.followUploadLog.execute(async () => (await identify(request))?.actor ?? null, part),
    log: deps.log,
  });

  // Plain HTTP routes (health, CSV downloads, the page): few requests, where Express's routing is worth its cost.
  const routes = express();
  routes.disable('x-powered-by');
  // Every answer about staff is `no-store`, so no cache ever revalidates it: hashing each body for an ETag is wasted.
  routes.set('etag', false);
  routes.get('/healthz', (_request, response) => {
    response.json({ ok: true });
  });
  routes.use(readinessRoute(deps.readiness));
  routes.use(metricsRoute(deps.metrics, deps.metricsAccess));
  if (deps.routes) routes.use(deps.routes);
  if (!deps.config.production) routes.use(graphiqlRoutes());
  // Last: any GET that no route above answered, outside the API's paths, is a page route of the single-page app.
  routes.use(pageRoutes(deps.webDist));
  // Express 5 forwards rejected route promises here; its default handler would print the stack.
  routes.use((error: unknown, request: Request, response: Response, _next: NextFunction) => answerFailedRequest(deps.log, error, request, response));

  const route = (request: IncomingMessage, response: ServerResponse): void => {
    const url = request.url ?? '';
    if (GRAPHQL_PATH.test(url)) void graphql(request, response);
    else if (LIVE_UPDATES_PATH.test(url)) void liveUpdates(request, response);
    else routes(request, response);
  };
  const isFromTrustedProxy = fromTrustedProxy(deps.config.trustProxy);
  const handleRequest: RequestListener = (request, response) => {
    const started = performance.now();
    const given = request.headers['x-request-id'];
    // A client could otherwise pass its requests off as another's in the logs.
    const trusted = typeof given === 'string' && REQUEST_ID.test(given) && isFromTrustedProxy(request);
    const facts: RequestFacts = { requestId: trusted ? given : randomUUID() };
    response.setHeader('x-request-id', facts.requestId);
    response.once('close', () =>
      currentRequest.run(facts, () =>
        deps.accessLog('Request', {
          method: request.method,
          path: (request.url ?? '').split('?')[0],
          status: response.statusCode,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          operationName: facts.operationName,
          viewerId: facts.viewerId,
          ...(response.writableFinished ? {} : { aborted: true }),
        }),
      ),
    );
    currentRequest.run(facts, () => route(request, response));
  };
  return { handleRequest, routes, apollo };
};

/** As Express mounted it: any case, with or without a trailing slash, with or without a query string. */
const GRAPHQL_PATH = /^\/graphql\/?(?:\?|$)/i;
const LIVE_UPDATES_PATH = /^\/graphql\/stream\/?(?:\?|$)/i;
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;
