/** The account a code belongs to, as created: creating it again (after it expired) gives it a new code. */
export interface CodeHolder {
  id: number;
  createdAt: Date;
}

export interface RegistrationCodes {
  /** Derived from the account with a server secret when the invitation is sent: no code is ever stored. */
  codeFor(holder: CodeHolder): string;
  matches(code: string, holder: CodeHolder): boolean;
}
