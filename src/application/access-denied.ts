/**
 * Authorization outcomes are not business refusals: GraphQL reports them as errors
 * (UNAUTHENTICATED / FORBIDDEN) rather than userErrors, and nothing has been written when they are thrown.
 */
export class AccessDenied extends Error {
  constructor(message = 'You are not allowed to do that.') {
    super(message);
    this.name = 'AccessDenied';
  }
}

export class NotSignedIn extends Error {
  constructor() {
    super('Sign in first.');
    this.name = 'NotSignedIn';
  }
}
