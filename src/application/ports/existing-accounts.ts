import type { ExistingAccount } from './upload-batches';

/** The accounts a chunk's emails already have, looked up while the chunk is planned. */
export interface ExistingAccounts {
  findExisting(emailsNormalized: string[], now: Date): Promise<ExistingAccount[]>;
}
