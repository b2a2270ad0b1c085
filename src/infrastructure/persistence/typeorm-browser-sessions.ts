import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import type { BrowserSessions } from '../../application/ports/browser-sessions';
import type { BrowserSession } from '../../domain/session/browser-session';
import { BrowserSessionRecord } from './records/records';

/** 256 random bits, base64url: what the cookie carries. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export class TypeOrmBrowserSessions implements BrowserSessions {
  private readonly records: Repository<BrowserSessionRecord>;

  constructor(dataSource: DataSource) {
    this.records = dataSource.getRepository(BrowserSessionRecord);
  }

  async start(session: BrowserSession, expiresAt: Date): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await this.records.insert({
      secretHash: hashOf(secret),
      accountId: session.accountId,
      startedAt: session.startedAt.getTime(),
      lastUsedAt: session.lastUsedAt.getTime(),
      expiresAt: expiresAt.getTime(),
    });
    return secret;
  }

  async find(secret: string): Promise<BrowserSession | null> {
    // Anything but a secret we could have issued is nobody, without asking the database.
    if (!SECRET_PATTERN.test(secret)) return null;
    const record = await this.records.findOneBy({ secretHash: hashOf(secret) });
    return record && { accountId: record.accountId, startedAt: new Date(record.startedAt), lastUsedAt: new Date(record.lastUsedAt) };
  }

  async renew(secret: string, lastUsedAt: Date, expiresAt: Date): Promise<void> {
    await this.records.update({ secretHash: hashOf(secret) }, { lastUsedAt: lastUsedAt.getTime(), expiresAt: expiresAt.getTime() });
  }

  async end(secret: string): Promise<boolean> {
    if (!SECRET_PATTERN.test(secret)) return false;
    return ((await this.records.delete({ secretHash: hashOf(secret) })).affected ?? 0) > 0;
  }

  async endAllOf(accountId: number, keeping?: string): Promise<number> {
    const query = this.records.createQueryBuilder().delete().where('account_id = :accountId', { accountId });
    if (keeping) query.andWhere('secret_hash <> :kept', { kept: hashOf(keeping) });
    return (await query.execute()).affected ?? 0;
  }

  async removeExpired(now: Date): Promise<number> {
    const removed = await this.records.createQueryBuilder().delete().where('expires_at <= :now', { now: now.getTime() }).execute();
    return removed.affected ?? 0;
  }
}
