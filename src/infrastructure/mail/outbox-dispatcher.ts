import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import { In, type DataSource } from 'typeorm';
import type { Clock } from '../../application/ports/clock';
import type { PageLinks } from '../../application/ports/page-links';
import type { RegistrationCodes } from '../../application/ports/registration-codes';
import { invitationEmail, type EmailMessage } from '../../domain/educator/invitation';
import { passwordResetEmail } from '../../domain/educator/password-reset';
import { roleOf, type RoleCode } from '../../domain/role/role';
import { EducatorAccountRecord, OutboxMessageRecord } from '../persistence/records/records';

export interface MailDelivery {
  deliver(message: EmailMessage & { outboxId: number }): Promise<string>;
}

/**
 * MAIL_TRANSPORT=file (the default without SMTP_URL outside production): every email becomes an .eml file, so a developer
 * can open invitations locally. Named by time, outbox id and a UUID: outbox ids restart with every database, and databases may share a folder.
 */
export class FileMailDelivery implements MailDelivery {
  private readonly composer: Transporter<StreamTransport.SentMessageInfo>;

  constructor(
    private readonly directory: string,
    private readonly from: string,
  ) {
    this.composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  async deliver(message: EmailMessage & { outboxId: number }): Promise<string> {
    const composed = await this.composer.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
    await mkdir(this.directory, { recursive: true });
    const sortable = new Date().toISOString().replace(/[-:.]/g, '');
    const path = join(
      this.directory,
      `${sortable}-${String(message.outboxId).padStart(8, '0')}-${randomUUID()}-${message.to.replace(/[^A-Za-z0-9@._-]/g, '_').slice(0, 100)}.eml`,
    );
    await writeFile(path, composed.message);
    return path;
  }
}

export class SmtpMailDelivery implements MailDelivery {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async deliver(message: EmailMessage): Promise<string> {
    const info = await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
    return info.messageId;
  }
}

const MAX_ATTEMPTS = 8;
// Long enough for one delivery; a process that dies mid-send leaves the message due again after it.
const CLAIM_MS = 5 * 60_000;

/**
 * Delivers queued emails in the background: creation only ever writes an outbox row, so a slow or
 * failing mail server never slows or fails account creation. At-least-once, with backoff.
 */
export class OutboxDispatcher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly delivery: MailDelivery,
    private readonly codes: RegistrationCodes,
    private readonly links: PageLinks,
    private readonly clock: Clock,
    private readonly log: (message: string, details: Record<string, unknown>) => void,
    /** Derive reset codes (under their own key) as `codes` derives registration codes. */
    private readonly resetCodes: RegistrationCodes,
  ) {}

  /** Sends what is due now; returns how many were delivered. */
  async dispatchDue(limit = 100): Promise<number> {
    const now = this.clock.now().getTime();
    const repository = this.dataSource.getRepository(OutboxMessageRecord);
    const due = await repository
      .createQueryBuilder('message')
      .where("message.status = 'PENDING' AND message.nextAttemptAt <= :now", { now })
      .orderBy('message.id', 'ASC')
      .limit(limit)
      .getMany();
    const invited = await this.invitedAccounts(due);
    let delivered = 0;
    for (const message of due) {
      const claimed = await repository
        .createQueryBuilder()
        .update()
        .set({ nextAttemptAt: now + CLAIM_MS })
        .where("id = :id AND status = 'PENDING' AND next_attempt_at = :due", { id: message.id, due: message.nextAttemptAt })
        .execute();
      if (claimed.affected !== 1) continue;
      try {
        const where = await this.delivery.deliver({ outboxId: message.id, ...this.render(message, invited) });
        await repository.update({ id: message.id }, { status: 'SENT', sentAt: this.clock.now().getTime(), attempts: message.attempts + 1, lastError: null });
        this.log('Email delivered', { outboxId: message.id, to: message.recipient, where });
        delivered += 1;
      } catch (error) {
        const attempts = message.attempts + 1;
        const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        await repository.update(
          { id: message.id },
          { attempts, lastError, status: attempts >= MAX_ATTEMPTS ? 'FAILED' : 'PENDING', nextAttemptAt: now + 2 ** attempts * 30_000 },
        );
        this.log('Email delivery failed; will retry', { outboxId: message.id, attempts, lastError, level: 'warn' });
      }
    }
    return delivered;
  }

  private async invitedAccounts(messages: OutboxMessageRecord[]): Promise<Map<number, EducatorAccountRecord>> {
    const ids = messages.flatMap((message) => (message.template === 'invitation' && message.accountId !== null ? [message.accountId] : []));
    if (ids.length === 0) return new Map();
    const accounts = await this.dataSource.getRepository(EducatorAccountRecord).findBy({ id: In(ids) });
    return new Map(accounts.map((account) => [account.id, account]));
  }

  /** An invitation is written from the account as it stands now, with the code derived from it. */
  private render(message: OutboxMessageRecord, invited: Map<number, EducatorAccountRecord>): EmailMessage {
    if (message.template === 'password-reset') {
      const reset = JSON.parse(message.body) as { resetId: number; requestedAt: number };
      return passwordResetEmail({
        to: message.recipient,
        resetCode: this.resetCodes.codeFor({ id: reset.resetId, createdAt: new Date(reset.requestedAt) }),
        resetLink: this.links.passwordReset(message.recipient),
      });
    }
    if (message.template !== 'invitation') return { to: message.recipient, subject: message.subject, text: message.body };
    const account = message.accountId === null ? undefined : invited.get(message.accountId);
    if (!account) throw new Error(`The invited account ${message.accountId} no longer exists`);
    const createdAt = new Date(Number(account.createdAt));
    const registrationCode = this.codes.codeFor({ id: account.id, createdAt });
    return invitationEmail({
      to: account.email,
      firstName: account.firstName,
      roleName: roleOf(account.roleCode as RoleCode).name,
      placeName: (JSON.parse(message.body) as { placeName: string }).placeName,
      registrationCode,
      registrationDeadline: new Date(Number(account.registrationDeadline)),
      registrationLink: this.links.registration(account.email, registrationCode),
    });
  }
}
