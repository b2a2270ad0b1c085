import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AccessDenied, NotSignedIn } from '../../application/access-denied';
import { clientMessage, isInvalidVariable } from './client-messages';

// Codes whose messages were written for clients (by us, by graphql-js validation or by class-validator).
const CLIENT_FACING_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export type ErrorLogger = (message: string, details: Record<string, unknown>) => void;
export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * Authorization failures become FORBIDDEN / UNAUTHENTICATED; anything unexpected is logged with its
 * context and masked, so no stack trace, SQL or driver message ever reaches a client. A client's mistake is told
 * without quoting the values it sent, and with `hideSuggestions` without guessing at the names it meant.
 */
export const formatError =
  (log: ErrorLogger, { hideSuggestions }: { hideSuggestions: boolean }): ErrorFormatter =>
  (formatted, error) => {
    const original = unwrapResolverError(error);
    if (original instanceof AccessDenied) return { message: original.message, path: formatted.path, extensions: { code: 'FORBIDDEN' } };
    if (original instanceof NotSignedIn) return { message: original.message, path: formatted.path, extensions: { code: 'UNAUTHENTICATED' } };
    const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : '';
    // A variable the Upload scalar refused carries the scalar's own code; it is still the client's input.
    const invalidVariable = isInvalidVariable(error);
    if (invalidVariable || CLIENT_FACING_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
      const message = clientMessage(error, formatted.message, hideSuggestions);
      return { ...formatted, message, extensions: invalidVariable ? { ...extensions, code: 'BAD_USER_INPUT' } : extensions };
    }
    log('Unexpected error while answering a GraphQL request', {
      level: 'error',
      path: formatted.path,
      error: original instanceof Error ? (original.stack ?? original.message) : String(original),
      ...(error instanceof GraphQLError && error.source ? { operation: error.source.body.slice(0, 2000) } : {}),
    });
    return {
      message: 'Something went wrong on our side. Please try again; if it keeps happening, contact support.',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
