/** Addresses of the page's screens, for the emails that send people there. */
export interface PageLinks {
  /** The registration form, with the email and the code filled in. */
  registration(email: string, registrationCode: string): string;
  /** The password reset screen with the email filled in; the code is typed from the email, so no link carries it. */
  passwordReset(email: string): string;
  /** One upload in the log, its failures open. */
  uploadBatch(batchId: number): string;
}
