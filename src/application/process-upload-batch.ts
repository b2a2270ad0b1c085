import { manages, mayCreateAccounts } from '../domain/role/account-creation-policy';
import { siteAdminRecommendation } from '../domain/school/site-admin-recommendation';
import type { SchoolSite, SchoolSiteRepository } from '../domain/school/school-site';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { addCounts, completionEmail, type BatchCounts } from '../domain/upload-batch/upload-batch';
import { restoreNeutralized } from '../domain/upload-batch/spreadsheet-safety';
import { FirstLinesByEmail } from '../domain/upload-batch/first-lines-by-email';
import { halfSipHash } from '../domain/shared/half-sip-hash';
import { checkUploadedRow, databaseBusyFailure, decideRowOutcome, type RowCandidate, type RowFailure, type UploadedRecord } from '../domain/upload-batch/upload-row';
import type { Actor } from '../domain/shared/actor';
import type { Clock } from './ports/clock';
import type { RandomSource } from './ports/random-source';
import type { PageLinks } from './ports/page-links';
import type { CsvLimits, ReadTemplateCsv } from './ports/template-csv';
import type { ClaimedBatch, NewAccountRow, UploadBatchStore } from './ports/upload-batches';

export interface WorkerSettings extends CsvLimits {
  workerId: string;
  chunkRows: number;
  leaseMs: number;
}

const MAX_RACE_RETRIES = 5;

/**
 * The worker's job: claim the oldest waiting batch (one at a time per site), read its stored file,
 * and settle every row exactly once, one chunk per transaction with the batch's progress, so a
 * crash at any moment resumes where the last committed chunk ended.
 */
export class ProcessUploadBatch {
  constructor(
    private readonly batches: UploadBatchStore,
    private readonly sites: SchoolSiteRepository,
    private readonly accounts: EducatorAccountRepository,
    private readonly readTemplateCsv: ReadTemplateCsv,
    private readonly settings: WorkerSettings,
    private readonly links: PageLinks,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  /** Processes one batch if one is waiting; returns how many batches it finished (0 or 1). */
  async execute(stopping?: AbortSignal): Promise<number> {
    const batch = await this.batches.claimNext(this.settings.workerId, this.clock.now(), this.settings.leaseMs);
    if (!batch) return 0;
    const site = (await this.sites.findById(batch.schoolSiteId))!;
    const uploader = await this.accounts.findById(batch.uploadedByAccountId);
    const actor: Actor | null = uploader && uploader.status(this.clock.now()) === 'ACTIVE'
      ? { accountId: uploader.id!, roleCode: uploader.roleCode, districtId: uploader.districtId, schoolSiteIds: uploader.schoolSiteIds }
      : null;
    // Authority is checked again now: the uploader may have been removed or demoted while the file waited.
    if (!actor || !mayCreateAccounts(actor) || !manages(actor, site)) {
      await this.batches.reject(batch.id, batch.leaseOwner, `The person who uploaded this file is no longer allowed to create accounts for ${site.name}; nothing was created.`, this.clock.now());
      return 1;
    }
    try {
      return (await this.processRows(batch, site, actor, uploader!.email.value, stopping)) ? 1 : 0;
    } catch (error) {
      await this.batches.releaseLease(batch.id, batch.leaseOwner).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Three stages overlap: while one chunk commits, the next one writes its rows, and the one after is parsed, checked
   * and looked up. Each chunk lands only right after the one before it (the store fences it on the batch's progress),
   * so chunks still commit strictly one after another, in file order.
   */
  private async processRows(batch: ClaimedBatch, site: SchoolSite, uploader: Actor, uploaderEmail: string, stopping?: AbortSignal): Promise<boolean> {
    const run: BatchRun = {
      batch,
      site,
      uploader,
      committed: { recordsProcessed: batch.recordsProcessed, recordsCreated: batch.recordsCreated, recordsSkipped: batch.recordsSkipped, recordsFailed: batch.recordsFailed },
      // A key of its own for each batch: what one file's hashes were says nothing about the next one's.
      firstLineByEmail: new FirstLinesByEmail(halfSipHash(this.random.uint32s(2)), batch.totalRows ?? 0),
      siteAdminRows: 0,
      plannedSiteAdmins: 0,
      // A dry run writes no account, so only looking each email up can tell it which rows would collide.
      lookUpFirst: batch.dryRun,
    };
    let templateColumns = 0;
    let fixFileColumns = 0;
    // Our own fix file carries Line Number and Reason after the template's columns: drop them.
    const templateCells = (cells: string[]): string[] =>
      fixFileColumns > templateColumns && cells.length === fixFileColumns ? cells.slice(0, templateColumns).map(restoreNeutralized) : cells;
    let seen = 0;
    let chunk: UploadedRecord[] = [];
    let handedOver = batch.recordsProcessed;
    // The two chunks last handed to the store; each promise says whether its chunk landed.
    let older: Promise<boolean> = Promise.resolve(true);
    let newer: Promise<boolean> = Promise.resolve(true);
    const bothLanded = async (): Promise<boolean> => {
      const [olderLanded, newerLanded] = await Promise.all([older, newer]);
      return olderLanded && newerLanded;
    };

    const flush = async (): Promise<boolean> => {
      const plan = await this.planChunk(run, chunk);
      chunk = [];
      // At most two chunks in the database at once.
      if (!(await older)) return false;
      const previous = newer;
      older = newer;
      newer = this.commitPlan(run, plan, handedOver, previous);
      handedOver += plan.records.length;
      // Awaited later; marked handled now so a failure is not reported as unhandled meanwhile.
      newer.catch(() => undefined);
      return true;
    };

    try {
      for await (const event of this.readTemplateCsv(this.batches.readFile(batch.id), this.settings)) {
        if (event.type === 'header') {
          templateColumns = event.templateColumnCount;
          fixFileColumns = event.templateColumnCount + event.ignoredTrailingColumns;
        }
        if (event.type === 'rejected') {
          // The upload check read this same file whole; only a change to the reader itself can land here.
          if (!(await bothLanded())) return false;
          await this.batches.reject(batch.id, batch.leaseOwner, event.reason, this.clock.now());
          return true;
        }
        if (event.type !== 'record') continue;
        seen += 1;
        const record = { lineNumber: event.lineNumber, cells: templateCells(event.cells) };
        if (seen <= batch.recordsProcessed) {
          // Settled before a restart: only remember what duplicate detection and the Site Admin advice need.
          const checked = checkUploadedRow(record, uploader);
          if (checked.ok) run.firstLineByEmail.firstLine(checked.value.email.normalized, record.lineNumber);
          if (checked.ok && checked.value.role.code === 'SITE_ADMIN') run.siteAdminRows += 1;
          continue;
        }
        chunk.push(record);
        if (chunk.length < this.settings.chunkRows) continue;
        if (stopping?.aborted) {
          // Shutting down: the committed chunks stand, and the next worker resumes right after them.
          if (await bothLanded()) await this.batches.releaseLease(batch.id, batch.leaseOwner);
          return false;
        }
        if (!(await flush())) return false;
      }
      if (chunk.length > 0 && !(await flush())) return false;
      if (!(await bothLanded())) return false;
    } catch (error) {
      // Chunks may still be on their way to the database: let them land (or fail) before the lease is released.
      await Promise.allSettled([older, newer]);
      throw error;
    }

    const now = this.clock.now();
    const warning =
      run.siteAdminRows > 0 ? siteAdminRecommendation((await this.accounts.countActiveSiteAdmins(site.id, now)) + (batch.dryRun ? run.plannedSiteAdmins : 0), site.name) : null;
    const email = completionEmail(uploaderEmail, batch.fileName, site.name, run.committed, batch.dryRun, this.links.uploadBatch(batch.id));
    return this.batches.complete(batch.id, batch.leaseOwner, now, email, warning ? [warning] : []);
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
    const found = run.lookUpFirst ? await this.batches.findExisting(candidates.map((candidate) => candidate.email.normalized), now) : [];
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
    return plan;
  }

  /**
   * Commits a planned chunk with the batch's progress, right after `previous` (the chunk before it) has landed; false
   * when another worker has taken the batch over.
   */
  private async commitPlan(run: BatchRun, planned: ChunkPlan, recordsProcessedBefore: number, previous: Promise<boolean>): Promise<boolean> {
    let plan = planned;
    let previousSettled = false;
    for (let raceRetries = 0; ; ) {
      const now = this.clock.now();
      const countsAdded: BatchCounts = {
        recordsProcessed: plan.records.length,
        recordsCreated: plan.creates.length + plan.recreates.length,
        recordsSkipped: plan.skipped,
        recordsFailed: plan.failures.length,
      };
      const result = await this.batches.commitChunk({
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
        countsAdded,
      });
      if (result === 'lease-lost') return false;
      if (result === 'committed') {
        run.committed = addCounts(run.committed, countsAdded);
        run.plannedSiteAdmins += [...plan.creates, ...plan.recreates].filter((row) => row.roleCode === 'SITE_ADMIN').length;
        return true;
      }
      if (result === 'out-of-turn') {
        // The chunk before is still on its way, or is being written again: send this one once it has landed.
        if (previousSettled) throw new Error(`Batch ${run.batch.id}: a chunk's place in the batch was not where it was expected; will retry from the last committed chunk.`);
        if (!(await previous)) return false;
        previousSettled = true;
        continue;
      }
      if (result === 'contended') {
        // Failing the rows that needed new accounts writes far less; if even that cannot land, the batch is retried later.
        if (plan.creating.length === 0) throw new Error(`Batch ${run.batch.id}: the database stayed too busy to record a chunk; will retry the chunk later.`);
        plan = { ...plan, creates: [], recreates: [], creating: [], failures: [...plan.failures, ...plan.creating.map(databaseBusyFailure)].sort((a, b) => a.lineNumber - b.lineNumber) };
        continue;
      }
      // One of these emails has an account: it had one all along (this file has such rows, so every chunk planned from
      // now on is looked up first) or someone created it since our look-up. Either way, plan the chunk again against the database.
      raceRetries += 1;
      if (raceRetries >= MAX_RACE_RETRIES) throw new Error(`Batch ${run.batch.id}: accounts kept being created concurrently for the same emails; will retry the chunk later.`);
      run.lookUpFirst = true;
      // The chunk's emails are already remembered with their own lines, so planning it again changes nothing there.
      plan = await this.planChunk({ ...run, siteAdminRows: 0 }, plan.records);
    }
  }
}

const newAccountRow = (candidate: RowCandidate): NewAccountRow => ({
  firstName: candidate.firstName,
  lastName: candidate.lastName,
  email: candidate.email.value,
  emailNormalized: candidate.email.normalized,
  roleCode: candidate.role.code,
});

interface BatchRun {
  batch: ClaimedBatch;
  site: SchoolSite;
  uploader: Actor;
  /** Counts of the chunks committed so far, for the completion email. */
  committed: BatchCounts;
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
