import { manages, mayCreateAccounts } from '../domain/role/account-creation-policy';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import { bulkCreationAgreement, takeBulkRows } from './bulk-rows';
import { IDEMPOTENCY_KEY_REUSED, keyedRequest, keyOf } from './idempotency';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { Fingerprint, IdempotencyKeys, KeyedRequest, StartFingerprint } from './ports/idempotency-keys';
import type { InvitationAllowances } from './ports/invitation-allowances';
import type { CsvLimits, ReadTemplateCsv } from './ports/template-csv';
import type { UploadBatchView } from './ports/upload-batches';
import type { UploadFileInbox } from './ports/upload-file-inbox';
import type { UploadLogReader } from './ports/upload-log-reader';

export interface UploadRequest {
  schoolSiteId: number | undefined;
  fileName: string;
  file: AsyncIterable<Buffer>;
  agreementAccepted: boolean;
  dryRun: boolean;
  /** Chosen by the client: the same upload sent again under it is answered the batch the first one stored. */
  idempotencyKey?: string;
  /** Where the request came from, for the audit trail. */
  clientAddress: string;
}

export interface UploadLimits extends CsvLimits {
  maxUploadBytes: number;
  maxWaitingBatchesPerSite: number;
  maxRowsPerAdminPerDay: number;
}

export type UploadOutcome = { batch: UploadBatchView | null; userErrors: DomainError[] };

/** Thrown by the file's source when the transport itself cut the file off at the size limit. */
export class UploadTooLarge extends Error {}

/**
 * A file still arriving is invisible, and is thrown away when nothing has arrived for this long: the
 * client went away, or the process receiving it died. Arriving bytes push the limit on, so a slow
 * connection is never cut off by this.
 */
export const RECEIVING_WINDOW_MS = 10 * 60_000;
const HEARTBEAT_MS = 30_000;

// A limit under 1 MB (a test, or a cautious deployment) must not read as "larger than 0 MB".
const megabytes = (bytes: number): string => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.max(1, Math.floor(bytes / 1024))} KB`);

/**
 * Stores the file durably while checking it from end to end (format, encoding, every record's shape),
 * then queues it for the worker; a file that cannot be read as the template is rejected as a whole,
 * with the reason in the upload log, before any row is processed.
 */
export class UploadEducatorAccounts {
  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly batches: UploadFileInbox,
    private readonly log: Pick<UploadLogReader, 'findBatch'>,
    private readonly readTemplateCsv: ReadTemplateCsv,
    private readonly limits: UploadLimits,
    private readonly allowances: InvitationAllowances,
    private readonly clock: Clock,
    private readonly keys: IdempotencyKeys,
    private readonly startFingerprint: StartFingerprint,
    private readonly audit: AuditTrail,
  ) {}

  /** Recorded once the file is stored and answered (or refused): an upload is one request, not a hot path per row. */
  async execute(actor: Actor, request: UploadRequest): Promise<UploadOutcome> {
    const event = { action: 'ACCOUNTS_UPLOADED' as const, actorAccountId: actor.accountId, districtId: actor.districtId, clientAddress: request.clientAddress };
    const detail = request.dryRun ? `${request.fileName} (dry run)` : request.fileName;
    let outcome: UploadOutcome;
    try {
      outcome = await this.store(actor, request);
    } catch (error) {
      if (error instanceof AccessDenied) await this.audit.record({ ...event, outcome: 'FORBIDDEN', at: this.clock.now(), detail });
      throw error;
    }
    await this.audit.record({
      ...event,
      outcome: outcome.userErrors[0]?.code ?? 'SUCCEEDED',
      at: this.clock.now(),
      targetBatchId: outcome.batch?.id ?? null,
      schoolSiteId: request.schoolSiteId ?? null,
      detail,
    });
    return outcome;
  }

  private async store(actor: Actor, request: UploadRequest): Promise<UploadOutcome> {
    const site = request.schoolSiteId === undefined ? null : await this.sites.findById(request.schoolSiteId);
    if (!site || !mayCreateAccounts(actor) || !manages(actor, site)) throw new AccessDenied('You are not allowed to upload accounts for that school site.');
    if (!request.agreementAccepted) {
      return refused(refusal('AGREEMENT_REQUIRED', 'Accept the bulk account creation agreement to upload this file.', ['agreementAccepted']));
    }
    const key = keyOf(actor.accountId, request.idempotencyKey);
    // A retry is answered its batch even when the site's queue has filled since that batch landed.
    const retried = key !== null && (await this.keys.find(key)) !== null;
    const now = this.clock.now();
    const newBatch = {
      schoolSiteId: site.id,
      uploadedByAccountId: actor.accountId,
      fileName: request.fileName,
      dryRun: request.dryRun,
      now,
      receivingUntil: new Date(now.getTime() + RECEIVING_WINDOW_MS),
      idempotencyKey: key?.key ?? null,
    };
    // Files still arriving count too: uploads that arrive together cannot all slip under the limit.
    const limit = this.limits.maxWaitingBatchesPerSite;
    const batchId = retried ? await this.batches.openBatch(newBatch) : await this.batches.openBatch(newBatch, limit);
    if (batchId === null) {
      return refused(refusal('TOO_MANY_QUEUED_UPLOADS', `${site.name} already has ${limit} uploads waiting. Wait for them to finish, then upload again.`));
    }
    const agreement = bulkCreationAgreement(actor.accountId, now, batchId);
    const content = key && this.startFingerprint();
    let idempotency: KeyedRequest | undefined;
    let landed: boolean;
    let queued: boolean;
    try {
      const received = await this.receive(batchId, request.file, content);
      // A rejected file is told by its reason: the reader may give it before the whole file is read.
      const decisive = [site.id, request.fileName, request.dryRun, received.rejection ?? content?.digest()];
      idempotency = key ? keyedRequest(key, this.startFingerprint, 'uploadEducatorAccounts', decisive) : undefined;
      const rows = { adminAccountId: actor.accountId, rows: received.dataRows, now: this.clock.now(), maxRowsPerDay: this.limits.maxRowsPerAdminPerDay };
      // A check sends nothing and counts nothing.
      const rejection = received.rejection ?? (request.dryRun ? null : await takeBulkRows(this.allowances, rows));
      landed = rejection
        ? await this.batches.markRejected(batchId, received.bytes, rejection, this.clock.now(), agreement, idempotency)
        : await this.batches.markQueued(batchId, received.bytes, received.dataRows, agreement, idempotency);
      queued = landed && !rejection;
    } catch (error) {
      await this.batches.discard(batchId);
      throw error;
    }
    if (!landed) return this.answerEarlier(batchId, idempotency!);
    const batch = await this.log.findBatch(batchId);
    // Only once this request has read what it answers, so a worker in the same process does not compete with those reads.
    if (queued) this.batches.announceQueued();
    return { batch, userErrors: [] };
  }

  /** The key already names an upload: this request's copy of the file goes, and the batch the key names is the answer. */
  private async answerEarlier(batchId: number, request: KeyedRequest): Promise<UploadOutcome> {
    await this.batches.discard(batchId);
    const earlier = await this.keys.find(request);
    const sameRequest = earlier?.requestDigest === request.requestDigest && earlier.batchId !== null;
    const batch = sameRequest ? await this.log.findBatch(earlier.batchId!) : null;
    return batch ? { batch, userErrors: [] } : refused(IDEMPOTENCY_KEY_REUSED);
  }

  /** Stores the bytes in chunks as they arrive and, from the same pass, reads them as the template (and feeds `content`). */
  private async receive(
    batchId: number,
    file: AsyncIterable<Buffer>,
    content: Fingerprint | null,
  ): Promise<{ bytes: number; dataRows: number; rejection: string | null }> {
    const { batches, limits, clock } = this;
    let bytes = 0;
    let lastHeartbeat = clock.now().getTime();
    let tooLarge = false;
    async function* storing(): AsyncGenerator<Buffer> {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let seq = 0;
      // One stored chunk may be on its way to the database while the next megabyte is read and checked.
      let inFlight: Promise<void> = Promise.resolve();
      const store = async (chunk: Buffer): Promise<void> => {
        await inFlight;
        inFlight = batches.appendFileChunk(batchId, seq++, chunk);
        // Awaited before the next chunk and at the end; marked handled meanwhile.
        inFlight.catch(() => undefined);
      };
      try {
        for await (const piece of file) {
          bytes += piece.length;
          if (bytes > limits.maxUploadBytes) {
            tooLarge = true;
            return;
          }
          pending.push(piece);
          pendingBytes += piece.length;
          content?.update(piece);
          const now = clock.now().getTime();
          if (now - lastHeartbeat >= HEARTBEAT_MS) {
            await batches.stillReceiving(batchId, new Date(now + RECEIVING_WINDOW_MS));
            lastHeartbeat = now;
          }
          if (pendingBytes >= batches.storedChunkBytes) {
            // Cut exactly: a stored chunk must fit the database's packet limit.
            const whole = Buffer.concat(pending);
            let offset = 0;
            const size = batches.storedChunkBytes;
            for (; whole.length - offset >= size; offset += size) await store(whole.subarray(offset, offset + size));
            pending = [whole.subarray(offset)];
            pendingBytes = whole.length - offset;
          }
          yield piece;
        }
        if (pendingBytes > 0) await store(Buffer.concat(pending));
      } catch (error) {
        if (!(error instanceof UploadTooLarge)) throw error;
        tooLarge = true;
      } finally {
        // Whatever ends the reading, no chunk may land after the batch is rejected or discarded.
        await inFlight;
      }
    }
    let dataRows = 0;
    let rejection: string | null = null;
    for await (const event of this.readTemplateCsv(storing(), limits)) {
      if (event.type === 'record') dataRows += 1;
      if (event.type === 'rejected') {
        rejection = event.reason;
        break;
      }
    }
    // A file cut off at the size limit may also look malformed; the size is the reason to give.
    if (tooLarge) rejection = `The file is larger than ${megabytes(limits.maxUploadBytes)}. Split it into smaller files and upload each one.`;
    return { bytes, dataRows, rejection };
  }
}

const refused = (error: DomainError): UploadOutcome => ({ batch: null, userErrors: [error] });
