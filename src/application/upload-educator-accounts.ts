import { manages, mayCreateAccounts } from '../domain/role/account-creation-policy';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import { BULK_CREATION_AGREEMENT_VERSION } from './agreements';
import type { Clock } from './ports/clock';
import type { CsvLimits, ReadTemplateCsv } from './ports/template-csv';
import type { UploadBatchStore, UploadBatchView } from './ports/upload-batches';

export interface UploadRequest {
  schoolSiteId: number | undefined;
  fileName: string;
  file: AsyncIterable<Buffer>;
  agreementAccepted: boolean;
  dryRun: boolean;
}

export interface UploadLimits extends CsvLimits {
  maxUploadBytes: number;
  maxWaitingBatchesPerSite: number;
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
    private readonly batches: UploadBatchStore,
    private readonly readTemplateCsv: ReadTemplateCsv,
    private readonly limits: UploadLimits,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, request: UploadRequest): Promise<UploadOutcome> {
    const site = request.schoolSiteId === undefined ? null : await this.sites.findById(request.schoolSiteId);
    if (!site || !mayCreateAccounts(actor) || !manages(actor, site)) throw new AccessDenied('You are not allowed to upload accounts for that school site.');
    if (!request.agreementAccepted) {
      return refused(refusal('AGREEMENT_REQUIRED', 'Accept the bulk account creation agreement to upload this file.', ['agreementAccepted']));
    }
    const now = this.clock.now();
    const newBatch = {
      schoolSiteId: site.id,
      uploadedByAccountId: actor.accountId,
      fileName: request.fileName,
      dryRun: request.dryRun,
      now,
      receivingUntil: new Date(now.getTime() + RECEIVING_WINDOW_MS),
    };
    // Files still arriving count too: uploads that arrive together cannot all slip under the limit.
    const batchId = await this.batches.openBatch(newBatch, this.limits.maxWaitingBatchesPerSite);
    if (batchId === null) {
      const limit = this.limits.maxWaitingBatchesPerSite;
      return refused(refusal('TOO_MANY_QUEUED_UPLOADS', `${site.name} already has ${limit} uploads waiting. Wait for them to finish, then upload again.`));
    }
    const agreement = { acceptedByAccountId: actor.accountId, agreement: 'BULK_ACCOUNT_CREATION' as const, version: BULK_CREATION_AGREEMENT_VERSION, acceptedAt: now, uploadBatchId: batchId };
    let queued = false;
    try {
      const received = await this.receive(batchId, request.file);
      if (received.rejection) await this.batches.markRejected(batchId, received.bytes, received.rejection, this.clock.now(), agreement);
      else await this.batches.markQueued(batchId, received.bytes, received.dataRows, agreement);
      queued = !received.rejection;
    } catch (error) {
      await this.batches.discard(batchId);
      throw error;
    }
    const batch = await this.batches.findBatch(batchId);
    // Only once this request has read what it answers, so a worker in the same process does not compete with those reads.
    if (queued) this.batches.announceQueued();
    return { batch, userErrors: [] };
  }

  /** Stores the bytes in chunks as they arrive and, from the same pass, reads them as the template. */
  private async receive(batchId: number, file: AsyncIterable<Buffer>): Promise<{ bytes: number; dataRows: number; rejection: string | null }> {
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
