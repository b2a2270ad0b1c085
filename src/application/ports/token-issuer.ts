export interface TokenIssuer {
  issue(accountId: number): string;
  /** The account id in a valid, unexpired token, or null. */
  verify(token: string): number | null;
}
