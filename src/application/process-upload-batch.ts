import { invitationEmail } from '../domain/educator/invitation';
import { manages, mayCreateAccounts } from '../domain/role/account-creation-policy';
import { siteAdminRecommendation, type Warning } from '../domain/school/site-admin-recommendation';
import type { SchoolSite, SchoolSiteRepository } from '../domain/school/school-site';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { registrationDeadlineFor } from '../domain/educator/educator-account';
import { completionEmail, type BatchCounts } from '../domain/upload-batch/upload-batch';
import { restoreNeutralized } from '../domain/upload-batch/spreadsheet-safety';
import { checkUploadedRow, decideRowOutcome, type RowCandidate, type UploadedRecord } from '../domain/upload-batch/upload-row';
import type { Actor } from '../domain/shared/actor';
import type { Clock } from './ports/clock';
import type { RegistrationCodes } from './ports/registration-codes';
import type { CsvLimits, ReadTemplateCsv } from './ports/template-csv';
import type { ChunkWrites, ClaimedBatch, NewAccountRow, UploadBatchStore } from './ports/upload-batches';

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
    private readonly codes: RegistrationCodes,
    private readonly readTemplateCsv: ReadTemplateCsv,
    private readonly settings: WorkerSettings,
    private readonly clock: Clock,
  ) {}

  /** Processes one batch if one is waiting; returns how many batches it finished (0 or 1). */
  async execute(): Promise<number> {
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
      return (await this.processRows(batch, site, actor, uploader!.email.value)) ? 1 : 0;
    } catch (error) {
      await this.batches.releaseLease(batch.id, batch.leaseOwner).catch(() => undefined);
      throw error;
    }
  }

  private async processRows(batch: ClaimedBatch, site: SchoolSite, uploader: Actor, uploaderEmail: string): Promise<boolean> {
    const counts: BatchCounts = { recordsProcessed: batch.recordsProcessed, recordsCreated: batch.recordsCreated, recordsSkipped: batch.recordsSkipped, recordsFailed: batch.recordsFailed };
    let warnings = batch.warnings;
    const firstLineByEmail = new Map<string, number>();
    let templateColumns = 0;
    let fixFileColumns = 0;
    // Our own fix file carries Line Number and Reason after the template's columns: drop them.
    const templateCells = (cells: string[]): string[] =>
      fixFileColumns > templateColumns && cells.length === fixFileColumns ? cells.slice(0, templateColumns).map(restoreNeutralized) : cells;
    let seen = 0;
    let chunk: UploadedRecord[] = [];

    const settle = async (): Promise<boolean> => {
      const outcome = await this.settleChunk(batch, site, uploader, chunk, firstLineByEmail, counts, warnings);
      if (!outcome) return false;
      warnings = outcome;
      chunk = [];
      return true;
    };

    for await (const event of this.readTemplateCsv(this.batches.readFile(batch.id), this.settings)) {
      if (event.type === 'header') {
        templateColumns = event.templateColumnCount;
        fixFileColumns = event.templateColumnCount + event.ignoredTrailingColumns;
      }
      if (event.type === 'rejected') {
        // The upload check read this same file whole; only a change to the reader itself can land here.
        await this.batches.reject(batch.id, batch.leaseOwner, event.reason, this.clock.now());
        return true;
      }
      if (event.type !== 'record') continue;
      seen += 1;
      if (seen <= counts.recordsProcessed) {
        // Already settled before a restart: only remember its email, for duplicate detection.
        const checked = checkUploadedRow({ lineNumber: event.lineNumber, cells: templateCells(event.cells) }, uploader);
        if (checked.ok && !firstLineByEmail.has(checked.value.email.normalized)) firstLineByEmail.set(checked.value.email.normalized, event.lineNumber);
        continue;
      }
      chunk.push({ lineNumber: event.lineNumber, cells: templateCells(event.cells) });
      if (chunk.length >= this.settings.chunkRows && !(await settle())) return false;
    }
    if (chunk.length > 0 && !(await settle())) return false;
    const email = completionEmail(uploaderEmail, batch.fileName, site.name, counts, batch.dryRun);
    return this.batches.complete(batch.id, batch.leaseOwner, this.clock.now(), email);
  }

  /** Returns the batch's warnings after the chunk, or null when the lease was lost to another worker. */
  private async settleChunk(
    batch: ClaimedBatch,
    site: SchoolSite,
    uploader: Actor,
    records: UploadedRecord[],
    firstLineByEmail: Map<string, number>,
    counts: BatchCounts,
    warnings: Warning[],
  ): Promise<Warning[] | null> {
    for (let attempt = 1; ; attempt += 1) {
      const now = this.clock.now();
      const failures = [];
      const candidates: RowCandidate[] = [];
      const chunkFirstLines = new Map<string, number>();
      for (const record of records) {
        const checked = checkUploadedRow(record, uploader);
        if (!checked.ok) failures.push(checked.error);
        else candidates.push(checked.value);
      }
      const existing = new Map((await this.batches.findExisting(candidates.map((row) => row.email.normalized), now)).map((account) => [account.emailNormalized, account]));
      const creates: NewAccountRow[] = [];
      const recreates: ChunkWrites['recreates'] = [];
      let skipped = 0;
      for (const candidate of candidates) {
        const key = candidate.email.normalized;
        const firstLine = firstLineByEmail.get(key) ?? chunkFirstLines.get(key);
        if (firstLine === undefined) chunkFirstLines.set(key, candidate.lineNumber);
        const found = existing.get(key);
        const outcome = decideRowOutcome(candidate, firstLine, found, site.id);
        if (outcome.kind === 'fail') failures.push(outcome.failure);
        else if (outcome.kind === 'skip') skipped += 1;
        else if (outcome.kind === 'create') creates.push(this.newAccountRow(candidate, site, now));
        else recreates.push({ ...this.newAccountRow(candidate, site, now), accountId: found!.id });
      }
      const createdNow = creates.length + recreates.length;
      const countsAfter: BatchCounts = {
        recordsProcessed: counts.recordsProcessed + records.length,
        recordsCreated: counts.recordsCreated + createdNow,
        recordsSkipped: counts.recordsSkipped + skipped,
        recordsFailed: counts.recordsFailed + failures.length,
      };
      const siteAdminsAdded = [...creates, ...recreates].filter((row) => row.roleCode === 'SITE_ADMIN').length;
      let warningsAfter = warnings;
      if (siteAdminsAdded > 0) {
        const warning = siteAdminRecommendation((await this.accounts.countActiveSiteAdmins(site.id, now)) + siteAdminsAdded, site.name);
        if (warning) warningsAfter = [...warnings.filter((existingWarning) => existingWarning.code !== warning.code), warning];
      }
      const result = await this.batches.commitChunk({
        batchId: batch.id,
        leaseOwner: batch.leaseOwner,
        leaseExpiresAt: new Date(now.getTime() + this.settings.leaseMs),
        districtId: site.districtId,
        schoolSiteId: site.id,
        createdByAccountId: uploader.accountId,
        now,
        creates: batch.dryRun ? [] : creates,
        recreates: batch.dryRun ? [] : recreates,
        failures: failures.sort((a, b) => a.lineNumber - b.lineNumber),
        countsAfter,
        warnings: warningsAfter,
      });
      if (result === 'lease-lost') return null;
      if (result === 'email-race' && attempt < MAX_RACE_RETRIES) continue;
      if (result === 'email-race') throw new Error(`Batch ${batch.id}: accounts kept being created concurrently for the same emails; will retry the chunk later.`);
      for (const [key, line] of chunkFirstLines) if (!firstLineByEmail.has(key)) firstLineByEmail.set(key, line);
      Object.assign(counts, countsAfter);
      return warningsAfter;
    }
  }

  private newAccountRow(candidate: RowCandidate, site: SchoolSite, now: Date): NewAccountRow {
    const registrationCode = this.codes.generate();
    return {
      firstName: candidate.firstName,
      lastName: candidate.lastName,
      email: candidate.email.value,
      emailNormalized: candidate.email.normalized,
      roleCode: candidate.role.code,
      registrationCodeHash: this.codes.hash(registrationCode),
      invitation: invitationEmail({
        to: candidate.email.value,
        firstName: candidate.firstName,
        roleName: candidate.role.name,
        placeName: site.name,
        registrationCode,
        registrationDeadline: registrationDeadlineFor(now),
      }),
    };
  }
}
