/** Addresses of the page's screens, for the emails that send people there. */
export interface PageLinks {
  /** The registration form, with the email and the code filled in. */
  registration(email: string, registrationCode: string): string;
  /** One upload in the log, its failures open. */
  uploadBatch(batchId: number): string;
}
