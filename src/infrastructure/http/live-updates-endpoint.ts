import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OperationArgs, Response as StreamResponse } from 'graphql-sse';
import { createHandler } from 'graphql-sse/lib/use/http';
import type { RequestContext } from '../graphql/context';
import type { ErrorFormatter, ErrorLogger } from '../graphql/error-formatting';
import { answerFailedRequest } from './failed-request';

export interface LiveUpdatesDependencies {
  schema: GraphQLSchema;
  validationRules: ValidationRule[];
  maxTokens: number;
  /** The request's context, its viewer identified from the credential it carries. */
  contextFor(request: IncomingMessage): Promise<RequestContext>;
  /** Follows the upload log for the credential of this request, read again while the subscription lasts. */
  followUploadLogFor(request: IncomingMessage): NonNullable<RequestContext['followUploadLog']>;
  /** /graphql's own formatError: subscribers are told what its clients are told. */
  formatError: ErrorFormatter;
  log: ErrorLogger;
}

type StreamContext = RequestContext & Record<PropertyKey, unknown>;

const refusal = (status: number, statusText: string, message: string, code: string): StreamResponse => [
  JSON.stringify({ errors: [{ message, extensions: { code } }] }),
  { status, statusText, headers: { 'content-type': 'application/json; charset=utf-8' } },
];

/**
 * GraphQL subscriptions over server-sent events (graphql-sse, one stream per subscription): plain HTTP on the same
 * port and origin, so the session cookie, proxies and the Content-Security-Policy treat it like any other request.
 * Only subscriptions are served here; queries and mutations go to /graphql with its CSRF and size checks.
 */
export const liveUpdatesEndpoint = (deps: LiveUpdatesDependencies) => {
  const handle = createHandler<StreamContext>({
    schema: deps.schema,
    // No stream reservations ("single connection mode"): each subscription is its own request.
    authenticate: () => null,
    // graphql-sse sends these as they are: they are worded as /graphql words them (no value quoted, in production no guess).
    validate: (schema, document) =>
      validate(schema, document, [...specifiedRules, ...deps.validationRules]).map((error) => {
        const formatted = deps.formatError({ ...error.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, error);
        return new GraphQLError(formatted.message, { nodes: error.nodes, extensions: formatted.extensions });
      }),
    onSubscribe: async (request, params): Promise<StreamResponse | OperationArgs<StreamContext>> => {
      let document: DocumentNode;
      try {
        document = parse(params.query, { maxTokens: deps.maxTokens, noLocation: true });
      } catch {
        return refusal(400, 'Bad Request', 'The subscription could not be read: send a GraphQL document.', 'GRAPHQL_PARSE_FAILED');
      }
      if (getOperationAST(document, params.operationName)?.operation !== OperationTypeNode.SUBSCRIPTION) {
        return refusal(400, 'Bad Request', 'Only subscriptions are served here: send queries and mutations to /graphql.', 'BAD_REQUEST');
      }
      const context = await deps.contextFor(request.raw);
      if (!context.viewer) return refusal(401, 'Unauthorized', 'Sign in first.', 'UNAUTHENTICATED');
      return {
        schema: deps.schema,
        document,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue: { ...context, followUploadLog: deps.followUploadLogFor(request.raw) },
      };
    },
    // Errors reach subscribers as they reach /graphql's clients: masked unless they are the client's to fix.
    onNext: (_context, _request, result) =>
      result.errors
        ? { ...result, errors: result.errors.map((error) => deps.formatError(error.toJSON(), error)) as unknown as typeof result.errors }
        : undefined,
  });
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    response.setHeader('cache-control', 'no-store');
    try {
      await handle(request, response);
    } catch (error) {
      answerFailedRequest(deps.log, error, request, response);
    }
  };
};
