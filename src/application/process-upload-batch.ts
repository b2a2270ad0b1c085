import { manages, mayCreateAccounts } from '../domain/role/account-creation-policy';
import { siteAdminRecommendation } from '../domain/school/site-admin-recommendation';
import type { SchoolSite, SchoolSiteRepository } from '../domain/school/school-site';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { completionEmail, failedEmail, failureReason, UploadBatch, type BatchCounts } from '../domain/upload-batch/upload-batch';
import { restoreNeutralized } from '../domain/upload-batch/spreadsheet-safety';
import { FirstLinesByEmail } from '../domain/upload-batch/first-lines-by-email';
import { halfSipHash } from '../domain/shared/half-sip-hash';
import {
  checkUploadedRow,
  correctedFailure,
  databaseBusyFailure,
  decideRowOutcome,
  type RowCandidate,
  type RowFailure,
  type UploadedRecord,
} from '../domain/upload-batch/upload-row';
import type { Actor } from '../domain/shared/actor';
import type { Clock } from './ports/clock';
import type { RandomSource } from './ports/random-source';
import type { PageLinks } from './ports/page-links';
import type { CsvLimits, ReadTemplateCsv, TemplateCsvEvent } from './ports/template-csv';
import type { ChunkRun, ChunkToWrite, ChunkWriter, ChunkWrites, PlanAgainBecause } from './ports/chunk-writer';
import type { ExistingAccounts } from './ports/existing-accounts';
import type { UploadBatchQueue, UploadTurns } from './ports/upload-batch-queue';
import type { ClaimedBatch, NewAccountRow } from './ports/upload-batches';
import type { StoredUploadFiles } from './ports/upload-file-inbox';
import type { RowCorrections } from './ports/check-follow-ups';

/** What the worker works with: the queue it claims from, the stored files, the accounts that exist, and the chunk writer. */
export interface UploadWork {
  queue: UploadBatchQueue;
  files: StoredUploadFiles;
  /** Lines of a check corrected in the page, which its run reads in place of the file's. */
  corrections: RowCorrections;
  existingAccounts: ExistingAccounts;
  chunks: ChunkWriter;
}

export interface WorkerSettings extends CsvLimits {
  workerId: string;
  chunkRows: number;
  leaseMs: number;
}

const MAX_RACE_RETRIES = 5;

/** Attempts in a row that may end in an error other than the database's passing trouble before a batch ends as FAILED. */
export const MAX_FAILED_ATTEMPTS = 3;

/** Batches handed back between chunks whose runs a worker keeps, to take them up again without reading their file from the start. */
const PAUSED_RUNS_KEPT = 4;

/** The database stayed too busy to record even a chunk's failures: its passing trouble, not the batch's. */
class DatabaseStayedBusy extends Error {}

/** An attempt at a batch ended in an error that counts against it; thrown once the batch is handed back, or ended as FAILED. */
export class BatchAttemptFailed extends Error {
  constructor(
    readonly batchId: number,
    readonly attempts: number,
    readonly markedFailed: boolean,
    cause: unknown,
  ) {
    const outcome = markedFailed ? ', so the batch is now FAILED' : '';
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Batch ${batchId}: attempt ${attempts} of ${MAX_FAILED_ATTEMPTS} failed${outcome}: ${why}`, { cause });
  }
}

/** How a turn at a batch ended: the batch finished, this worker left it, or it claimed another batch to go on with. */
type TurnEnd = 'finished' | 'left' | ClaimedBatch;

/**
 * The worker's job: claim the waiting batch that has waited longest (one at a time per site), read its stored file,
 * and settle every row exactly once, one chunk per transaction with the batch's progress, so a crash at any moment
 * resumes where the last committed chunk ended. Between chunks, a batch that has waited gets its turn. A batch an
 * admin cancels loses its lease at once: the next chunk, renewal or completion finds it lost and the turn ends there
 * ('left'), with what landed before kept.
 */
export class ProcessUploadBatch {
  private readonly paused = new Map<number, BatchRun>();

  /** Without `turns`, a worker keeps each batch until it is finished. */
  constructor(
    private readonly uploads: UploadWork,
    private readonly sites: SchoolSiteRepository,
    private readonly accounts: EducatorAccountRepository,
    private readonly readTemplateCsv: ReadTemplateCsv,
    private readonly settings: WorkerSettings,
    private readonly links: PageLinks,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly turns?: UploadTurns,
  ) {}

  /** Works on waiting batches until one is finished; returns how many batches it finished (0 or 1). */
  async execute(stopping?: AbortSignal): Promise<number> {
    let batch = await this.uploads.queue.claimNext(this.settings.workerId, this.clock.now(), this.settings.leaseMs);
    while (batch) {
      const end = await this.takeTurn(batch, stopping);
      if (end === 'finished') return 1;
      if (end === 'left') return 0;
      batch = end;
    }
    return 0;
  }

  private async takeTurn(batch: ClaimedBatch, stopping?: AbortSignal): Promise<TurnEnd> {
    const site = (await this.sites.findById(batch.schoolSiteId))!;
    const uploader = await this.accounts.findById(batch.uploadedByAccountId);
    const actor: Actor | null =
      uploader && uploader.status(this.clock.now()) === 'ACTIVE'
        ? { accountId: uploader.id!, roleCode: uploader.roleCode, districtId: uploader.districtId, schoolSiteIds: uploader.schoolSiteIds }
        : null;
    const paused = this.paused.get(batch.id);
    this.paused.delete(batch.id);
    // Authority is checked again at every turn: the uploader may have been removed or demoted while the file waited.
    if (!actor || !mayCreateAccounts(actor) || !manages(actor, site)) {
      if (paused) void closeFile(paused);
      await this.uploads.queue.reject(
        batch.id,
        batch.leaseOwner,
        `The person who uploaded this file is no longer allowed to create accounts for ${site.name}; nothing was created.`,
        this.clock.now(),
      );
      return 'finished';
    }
    const turn = { batch, site, uploader: actor, uploaderEmail: uploader!.email.value };
    const run = resumed(paused, turn) ?? this.newRun(turn, await this.correctionsOf(batch));
    if (paused && paused !== run) void closeFile(paused);
    try {
      return await this.processRows(run, stopping);
    } catch (error) {
      throw await this.handBack(run, error);
    }
  }

  /** A run created from a check reads the lines corrected on the check in place of the file's. */
  private async correctionsOf(batch: ClaimedBatch): Promise<Map<number, string[]>> {
    return batch.createdFromBatchId && batch.rowsCorrected ? this.uploads.corrections.correctionsOf(batch.createdFromBatchId) : new Map();
  }

  private newRun(turn: Turn, corrections: Map<number, string[]>): BatchRun {
    const { batch } = turn;
    return {
      ...turn,
      corrections,
      events: this.readTemplateCsv(this.uploads.files.readFile(batch.id), this.settings),
      templateColumns: 0,
      fixFileColumns: 0,
      seen: 0,
      chunk: [],
      handedOver: batch.recordsProcessed,
      chunks: this.uploads.chunks.startRun(),
      landed: Promise.resolve(true),
      progress: UploadBatch.restore({
        id: batch.id,
        status: batch.status,
        counts: {
          recordsProcessed: batch.recordsProcessed,
          recordsCreated: batch.recordsCreated,
          recordsSkipped: batch.recordsSkipped,
          recordsFailed: batch.recordsFailed,
        },
      }),
      // A key of its own for each batch: what one file's hashes were says nothing about the next one's.
      firstLineByEmail: new FirstLinesByEmail(halfSipHash(this.random.uint32s(2)), batch.totalRows ?? 0),
      siteAdminRows: 0,
      plannedSiteAdmins: 0,
      // A dry run writes no account, so only looking each email up can tell it which rows would collide.
      lookUpFirst: batch.dryRun,
    };
  }

  /**
   * Reads the file, plans a chunk at a time and hands each to the chunk writer, which may keep some in flight while the
   * next one is read and planned; each lands only right after the one before it, in file order.
   */
  private async processRows(run: BatchRun, stopping?: AbortSignal): Promise<TurnEnd> {
    const { batch } = run;
    // Our own fix file carries Line Number and Reason after the template's columns: drop them.
    const templateCells = (cells: string[]): string[] =>
      run.fixFileColumns > run.templateColumns && cells.length === run.fixFileColumns ? cells.slice(0, run.templateColumns).map(restoreNeutralized) : cells;
    let keptPaused = false;
    try {
      for (let next = await run.events.next(); !next.done; next = await run.events.next()) {
        const event = next.value;
        if (event.type === 'header') {
          run.templateColumns = event.templateColumnCount;
          run.fixFileColumns = event.templateColumnCount + event.ignoredTrailingColumns;
        }
        if (event.type === 'rejected') {
          // The upload check read this same file whole; only a change to the reader itself can land here.
          if (!(await run.landed)) return 'left';
          await this.uploads.queue.reject(batch.id, batch.leaseOwner, event.reason, this.clock.now());
          return 'finished';
        }
        if (event.type !== 'record') continue;
        run.seen += 1;
        const record = { lineNumber: event.lineNumber, cells: run.corrections.get(event.lineNumber) ?? templateCells(event.cells) };
        if (run.seen <= batch.recordsProcessed) {
          // Settled before a restart: only remember what duplicate detection and the Site Admin advice need.
          const checked = checkUploadedRow(record, run.uploader);
          if (checked.ok) run.firstLineByEmail.firstLine(checked.value.email.normalized, record.lineNumber);
          if (checked.ok && checked.value.role.code === 'SITE_ADMIN') run.siteAdminRows += 1;
          continue;
        }
        run.chunk.push(record);
        if (run.chunk.length < this.settings.chunkRows) continue;
        if (stopping?.aborted) {
          // Shutting down: the committed chunks stand, and the next worker resumes right after them.
          if (await run.landed) await this.uploads.queue.releaseLease(batch.id, batch.leaseOwner);
          return 'left';
        }
        // Looked at while the chunk is planned and the one before lands.
        const someoneWaiting = this.turns?.someoneWaiting(this.settings.workerId, this.clock.now()).catch(() => false) ?? false;
        if (!(await this.handOver(run))) return 'left';
        const nextBatch = (await someoneWaiting) ? await this.claimTurn() : null;
        if (nextBatch) {
          keptPaused = await this.pause(run);
          return nextBatch;
        }
      }
      if (run.chunk.length > 0 && !(await this.handOver(run))) return 'left';
      if (!(await run.landed)) return 'left';
    } catch (error) {
      // Chunks may still be on their way to the database: let them land (or fail) before the lease is released.
      await run.landed.catch(() => undefined);
      throw error;
    } finally {
      if (!keptPaused) await closeFile(run);
    }

    const now = this.clock.now();
    const siteAdmins = async (): Promise<number> => (await this.accounts.countActiveSiteAdmins(run.site.id, now)) + (batch.dryRun ? run.plannedSiteAdmins : 0);
    const warning = run.siteAdminRows > 0 ? siteAdminRecommendation(await siteAdmins(), run.site.name) : null;
    const email = completionEmail(run.uploaderEmail, batch.fileName, run.site.name, run.progress.counts, batch.dryRun, this.links.uploadBatch(batch.id));
    const completed = run.progress.complete();
    if (!completed.ok) throw new Error(`Batch ${batch.id}: ${completed.error.message}`);
    return (await this.uploads.queue.complete(batch.id, batch.leaseOwner, now, email, warning ? [warning] : [])) ? 'finished' : 'left';
  }

  /** A look or a claim that fails costs this chance to switch, never the batch. */
  private claimTurn(): Promise<ClaimedBatch | null> {
    return this.turns!.claimTurn(this.settings.workerId, this.clock.now(), this.settings.leaseMs).catch(() => null);
  }

  /** Plans the chunk read so far and hands it to the chunk writer; false when a chunk before it did not land. */
  private async handOver(run: BatchRun): Promise<boolean> {
    const plan = await this.planChunk(run, run.chunk);
    run.chunk = [];
    const { chunk, lastPlan } = this.chunkToWrite(run, plan, run.handedOver);
    const handed = await run.chunks.hand(chunk);
    if (handed === 'lease-lost') return false;
    run.handedOver += plan.records.length;
    // Chunks land in order: the last one's landing stands for every one before it.
    run.landed = handed.landing.then((landing) => {
      if (landing !== 'landed') return false;
      const landedPlan = lastPlan();
      const counted = run.progress.recordChunk(countsOf(landedPlan));
      if (!counted.ok) throw new Error(`Batch ${run.batch.id}: ${counted.error.message}`);
      run.plannedSiteAdmins += [...landedPlan.creates, ...landedPlan.recreates].filter((row) => row.roleCode === 'SITE_ADMIN').length;
      return true;
    });
    // Awaited later; marked handled now so a failure is not reported as unhandled meanwhile.
    run.landed.catch(() => undefined);
    return true;
  }

  /**
   * Another batch got this worker's turn: once this one's chunks have landed, it is handed back for any worker to
   * claim, and its run kept, so that this worker takes it up again where it stopped. True when the run was kept.
   */
  private async pause(run: BatchRun): Promise<boolean> {
    if (!(await run.landed)) return false;
    // A lease not handed back runs out instead.
    await this.uploads.queue.releaseLease(run.batch.id, run.batch.leaseOwner).catch(() => undefined);
    this.paused.set(run.batch.id, run);
    for (const [batchId, oldest] of this.paused) {
      if (this.paused.size <= PAUSED_RUNS_KEPT) break;
      this.paused.delete(batchId);
      void closeFile(oldest);
    }
    return true;
  }

  /**
   * After an error: the attempt counts against the batch unless the database was only busy; the batch is handed back
   * for another attempt, or, after MAX_FAILED_ATTEMPTS in a row, ended as FAILED with what landed before. Returns
   * what to throw.
   */
  private async handBack(run: BatchRun, error: unknown): Promise<unknown> {
    const { batch } = run;
    const attempts =
      error instanceof DatabaseStayedBusy ? null : await this.uploads.queue.countFailedAttempt(batch.id, batch.leaseOwner, error).catch(() => null);
    if (attempts !== null && attempts >= MAX_FAILED_ATTEMPTS && (await this.fail(run, attempts).catch(() => false))) {
      return new BatchAttemptFailed(batch.id, attempts, true, error);
    }
    await this.uploads.queue.releaseLease(batch.id, batch.leaseOwner).catch(() => undefined);
    return attempts === null ? error : new BatchAttemptFailed(batch.id, attempts, false, error);
  }

  private async fail(run: BatchRun, attempts: number): Promise<boolean> {
    // The counts of the chunks that landed, as the database holds them.
    const landed = (await this.uploads.queue.findBatch(run.batch.id)) ?? run.progress.counts;
    const reason = failureReason(landed, run.batch.totalRows ?? landed.recordsProcessed, attempts);
    const email = failedEmail(run.uploaderEmail, run.batch.fileName, run.site.name, reason);
    return this.uploads.queue.fail(run.batch.id, run.batch.leaseOwner, reason, this.clock.now(), email);
  }

  /**
   * Decides every row of a chunk against the file so far and the accounts that exist; writes nothing. Until a chunk
   * of the batch meets a taken email, the accounts are not looked up: the unique email index checks every insert
   * anyway, and a collision rolls the chunk back as an email race, which plans it again with the look-up.
   */
  private async planChunk(run: BatchRun, records: UploadedRecord[]): Promise<ChunkPlan> {
    const now = this.clock.now();
    const failures: RowFailure[] = [];
    const candidates: RowCandidate[] = [];
    for (const record of records) {
      const checked = checkUploadedRow(record, run.uploader);
      if (checked.ok) candidates.push(checked.value);
      else failures.push(checked.error);
    }
    const found = run.lookUpFirst
      ? await this.uploads.existingAccounts.findExisting(
          candidates.map((candidate) => candidate.email.normalized),
          now,
        )
      : [];
    const existing = new Map(found.map((account) => [account.emailNormalized, account]));
    const plan: ChunkPlan = { records, creates: [], recreates: [], creating: [], failures, skipped: 0 };
    for (const candidate of candidates) {
      const key = candidate.email.normalized;
      const firstLine = run.firstLineByEmail.firstLine(key, candidate.lineNumber);
      if (candidate.role.code === 'SITE_ADMIN') run.siteAdminRows += firstLine === candidate.lineNumber ? 1 : 0;
      const account = existing.get(key);
      const outcome = decideRowOutcome(candidate, firstLine, account, run.site.id);
      if (outcome.kind === 'fail') plan.failures.push(outcome.failure);
      else if (outcome.kind === 'skip') plan.skipped += 1;
      else if (outcome.kind === 'create') plan.creates.push(newAccountRow(candidate));
      else plan.recreates.push({ ...newAccountRow(candidate), accountId: account!.id });
      if (outcome.kind === 'create' || outcome.kind === 'recreate') plan.creating.push(candidate);
    }
    plan.failures.sort((a, b) => a.lineNumber - b.lineNumber);
    if (run.corrections.size > 0)
      plan.failures = plan.failures.map((failure) => (run.corrections.has(failure.lineNumber) ? correctedFailure(failure) : failure));
    return plan;
  }

  /**
   * A planned chunk as the writer takes it: written with the batch's progress; planned again when one of its emails has
   * an account (against the accounts, from then on for every chunk) or when the database stayed too busy (the rows that
   * needed accounts fail instead); counted once it has landed.
   */
  private chunkToWrite(run: BatchRun, planned: ChunkPlan, recordsProcessedBefore: number): { chunk: ChunkToWrite; lastPlan: () => ChunkPlan } {
    let plan = planned;
    let raceRetries = 0;
    const writesOf = (): ChunkWrites => this.writesOf(run, plan, recordsProcessedBefore);
    const planAgain = async (because: PlanAgainBecause): Promise<ChunkWrites> => {
      if (because === 'contended') {
        // Failing the rows that needed new accounts writes far less; if even that cannot land, the batch is retried later.
        if (plan.creating.length === 0) {
          throw new DatabaseStayedBusy(`Batch ${run.batch.id}: the database stayed too busy to record a chunk; will retry the chunk later.`);
        }
        plan = {
          ...plan,
          creates: [],
          recreates: [],
          creating: [],
          failures: [...plan.failures, ...plan.creating.map(databaseBusyFailure)].sort((a, b) => a.lineNumber - b.lineNumber),
        };
        return writesOf();
      }
      // One of these emails has an account: it had one all along (this file has such rows, so every chunk planned from
      // now on is looked up first) or someone created it since our look-up. Either way, plan the chunk again against the database.
      raceRetries += 1;
      if (raceRetries >= MAX_RACE_RETRIES)
        throw new Error(`Batch ${run.batch.id}: accounts kept being created concurrently for the same emails; will retry the chunk later.`);
      run.lookUpFirst = true;
      // The chunk's emails are already remembered with their own lines, so planning it again changes nothing there.
      plan = await this.planChunk({ ...run, siteAdminRows: 0 }, plan.records);
      return writesOf();
    };
    return { chunk: { writes: writesOf(), planAgain }, lastPlan: () => plan };
  }

  private writesOf(run: BatchRun, plan: ChunkPlan, recordsProcessedBefore: number): ChunkWrites {
    const now = this.clock.now();
    return {
      batchId: run.batch.id,
      leaseOwner: run.batch.leaseOwner,
      leaseExpiresAt: new Date(now.getTime() + this.settings.leaseMs),
      districtId: run.site.districtId,
      schoolSiteId: run.site.id,
      placeName: run.site.name,
      createdByAccountId: run.uploader.accountId,
      now,
      creates: run.batch.dryRun ? [] : plan.creates,
      recreates: run.batch.dryRun ? [] : plan.recreates,
      failures: plan.failures,
      recordsProcessedBefore,
      countsAdded: countsOf(plan),
    };
  }
}

const countsOf = (plan: ChunkPlan): BatchCounts => ({
  recordsProcessed: plan.records.length,
  recordsCreated: plan.creates.length + plan.recreates.length,
  recordsSkipped: plan.skipped,
  recordsFailed: plan.failures.length,
});

const newAccountRow = (candidate: RowCandidate): NewAccountRow => ({
  firstName: candidate.firstName,
  lastName: candidate.lastName,
  email: candidate.email.value,
  emailNormalized: candidate.email.normalized,
  roleCode: candidate.role.code,
});

/** Ends the reading of a run's file; a kept run is ended once it is dropped. */
const closeFile = (run: BatchRun): Promise<unknown> => run.events.return(undefined).catch(() => undefined);

/** A kept run goes on only if nothing landed since it was handed back: the batch's progress is where its chunks ended. */
const resumed = (paused: BatchRun | undefined, turn: Turn): BatchRun | null => {
  if (!paused || paused.handedOver !== turn.batch.recordsProcessed || paused.batch.createdAt.getTime() !== turn.batch.createdAt.getTime()) return null;
  return Object.assign(paused, turn);
};

/** What a turn at a batch starts from: the batch as claimed, and its site and uploader as they are now. */
interface Turn {
  batch: ClaimedBatch;
  site: SchoolSite;
  uploader: Actor;
  uploaderEmail: string;
}

/** A batch being worked on: where its file has been read to, and what the rows read so far decided. */
interface BatchRun extends Turn {
  events: AsyncGenerator<TemplateCsvEvent>;
  /** The cells of lines corrected in the page before this run was created from its check, by line number. */
  corrections: Map<number, string[]>;
  templateColumns: number;
  fixFileColumns: number;
  /** Records read from the file so far. */
  seen: number;
  /** Records read and not yet handed to the store. */
  chunk: UploadedRecord[];
  /** Where the next chunk handed over starts. */
  handedOver: number;
  /** The two chunks last handed to the store; each promise says whether its chunk landed. */
  /** The writer's run of this batch's chunks. */
  chunks: ChunkRun;
  /** Whether every chunk handed over so far has landed, once it has. */
  landed: Promise<boolean>;
  /** The batch with the counts of the chunks landed so far, for the completion email. */
  progress: UploadBatch;
  firstLineByEmail: FirstLinesByEmail;
  siteAdminRows: number;
  plannedSiteAdmins: number;
  /** Whether chunks are planned against the accounts that exist, or first tried as if none did. */
  lookUpFirst: boolean;
}

interface ChunkPlan {
  records: UploadedRecord[];
  creates: NewAccountRow[];
  recreates: (NewAccountRow & { accountId: number })[];
  /** The rows behind creates and recreates, in case they must be reported instead. */
  creating: RowCandidate[];
  failures: RowFailure[];
  skipped: number;
}
