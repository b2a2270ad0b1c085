import type { DataSource } from 'typeorm';
import type { ExistingAccounts } from '../../application/ports/existing-accounts';
import type { ExistingAccount } from '../../application/ports/upload-batches';
import { isExpiredRow } from './account-status-sql';
import { retryTransient } from './database-errors';
import { parameterList, type Row } from './plain-sql';
import { splitByBytes } from './sized-statements';

/** The accounts a chunk's emails have, with their sites, in as few statements as the packet limit allows. */
export class SqlExistingAccounts implements ExistingAccounts {
  /** `statementBytes`: the most a query may have (MySQL's max_allowed_packet less the protocol's bytes). */
  constructor(
    private readonly dataSource: DataSource,
    private readonly statementBytes: number,
  ) {}

  async findExisting(emailsNormalized: string[], now: Date): Promise<ExistingAccount[]> {
    const rows: Row[] = [];
    // An email spelled out costs at most twice its bytes (every character escaped), its quotes and a comma.
    for (const emails of splitByBytes(emailsNormalized, this.statementBytes - 512, (email) => 2 * Buffer.byteLength(email) + 4)) {
      // The worker's reads: a dropped connection or a deadlock costs a retry, not the batch attempt.
      const found: Row[] = await retryTransient(() =>
        this.dataSource.query(
          `SELECT a.id, a.email_normalized, a.registered_at, a.registration_deadline, a.deactivated_at, m.school_site_id
           FROM educator_account a LEFT JOIN educator_account_site m ON m.account_id = a.id
           WHERE a.email_normalized IN (${parameterList(emails.length)})`,
          emails,
        ),
      );
      rows.push(...found);
    }
    const accounts = new Map<number, ExistingAccount>();
    for (const row of rows) {
      const id = Number(row.id);
      const account = accounts.get(id) ?? { id, emailNormalized: String(row.email_normalized), expired: isExpiredRow(row, now), schoolSiteIds: [] };
      if (row.school_site_id !== null) account.schoolSiteIds.push(Number(row.school_site_id));
      accounts.set(id, account);
    }
    return [...accounts.values()];
  }
}
