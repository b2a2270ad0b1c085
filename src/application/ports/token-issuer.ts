/** What a genuine token says: whose it is, and the account's credentials version when it was issued. */
export interface TokenClaims {
  accountId: number;
  credentialsVersion: number;
}

export interface TokenIssuer {
  issue(accountId: number, credentialsVersion: number): string;
  /** The claims of a valid, unexpired token, or null. */
  verify(token: string): TokenClaims | null;
}
