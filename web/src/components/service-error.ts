import { CombinedGraphQLErrors, ServerError } from '@apollo/client';

/** What to tell a person when a request failed as a whole (not a refusal of their input, which comes as userErrors). */
export const plainMessageOf = (error: unknown): string => {
  if (CombinedGraphQLErrors.is(error)) {
    const codes = error.errors.map((one) => one.extensions?.code);
    if (codes.includes('UNAUTHENTICATED')) return 'Your session has ended. Sign in again.';
    if (codes.includes('FORBIDDEN')) return 'You are not allowed to do that for this school site.';
    if (codes.includes('BAD_USER_INPUT')) return 'Something in the form could not be read. Check each field and try again.';
    return 'The service could not do that just now. Try again in a moment.';
  }
  if (ServerError.is(error) && error.statusCode === 413) return 'The file is too large to send.';
  return 'We could not reach the service. Check your connection and try again.';
};
