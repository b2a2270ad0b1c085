import type { DataSource } from 'typeorm';
import type { UploadBatchView } from '../../application/ports/upload-batches';
import type { UploadLogChanges } from '../../application/ports/upload-log-changes';
import type { ErrorLogger } from '../graphql/error-formatting';
import { parameterList, type Row } from './plain-sql';
import { BATCH_COLUMNS, toView } from './upload-batch-rows';
import { mayHappenSql, visibleSql } from './batch-status-sql';

export interface PollingOptions {
  intervalMs: number;
  /** How far before the previous look a batch's end still counts as recent: the writers' clocks may differ by this much. */
  clockSkewMs: number;
}

interface WatchedSite {
  listeners: Set<(batch: UploadBatchView) => void>;
  /** The site's upload-log counter at the last look; undefined until the first. */
  version?: number;
  /** What each recent batch looked like when last delivered, so that one change is delivered once. */
  delivered: Map<number, string>;
}

/**
 * Every change the log can show moves its site's counter in `upload_log_version`, in the same transaction (whichever
 * process writes it): one query per interval over the watched sites' counters, for all subscribers of this process,
 * finds the sites that changed; only those sites' waiting, running and recently ended batches are then read.
 */
export class PolledUploadLogChanges implements UploadLogChanges {
  private readonly sites = new Map<number, WatchedSite>();
  private timer: NodeJS.Timeout | undefined;
  private lookedAt = 0;
  private looking = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: ErrorLogger,
    private readonly options: PollingOptions = { intervalMs: 500, clockSkewMs: 60_000 },
    private readonly now: () => number = Date.now,
  ) {}

  watch(schoolSiteIds: number[], listener: (batch: UploadBatchView) => void): () => void {
    for (const siteId of schoolSiteIds) {
      const site = this.sites.get(siteId) ?? { listeners: new Set(), delivered: new Map() };
      site.listeners.add(listener);
      this.sites.set(siteId, site);
    }
    if (!this.timer) {
      // A site looked at for the first time shows its batches that ended shortly before: not the whole history.
      this.lookedAt = this.now();
      this.timer = setInterval(() => void this.look(), this.options.intervalMs).unref();
    }
    return () => {
      for (const siteId of schoolSiteIds) {
        const site = this.sites.get(siteId);
        site?.listeners.delete(listener);
        if (site?.listeners.size === 0) this.sites.delete(siteId);
      }
      if (this.sites.size === 0) this.stop();
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async look(): Promise<void> {
    if (this.looking || this.sites.size === 0) return;
    this.looking = true;
    try {
      const startedAt = this.now();
      const changed = await this.sitesChanged();
      if (changed.length > 0) await this.deliverChanges(changed, this.lookedAt - this.options.clockSkewMs);
      this.lookedAt = startedAt;
    } catch (error) {
      this.log('Could not look for upload log changes; trying again at the next interval', {
        level: 'warn',
        error: error instanceof Error ? error.stack : String(error),
      });
    } finally {
      this.looking = false;
    }
  }

  private async sitesChanged(): Promise<number[]> {
    const siteIds = [...this.sites.keys()];
    const rows: Row[] = await this.dataSource.query(
      `SELECT school_site_id, version FROM upload_log_version WHERE school_site_id IN (${parameterList(siteIds.length)})`,
      siteIds,
    );
    const versions = new Map(rows.map((row) => [Number(row.school_site_id), Number(row.version)]));
    return siteIds.filter((siteId) => {
      const site = this.sites.get(siteId)!;
      // A site with no batch yet has no counter: its first batch creates it.
      const version = versions.get(siteId) ?? 0;
      const moved = site.version !== version;
      site.version = version;
      return moved;
    });
  }

  private async deliverChanges(siteIds: number[], since: number): Promise<void> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${BATCH_COLUMNS} FROM upload_batch WHERE school_site_id IN (${parameterList(siteIds.length)}) AND ${visibleSql()}` +
        ` AND (${mayHappenSql('claim')} OR end_time >= ? OR created_at >= ?) ORDER BY id`,
      [...siteIds, since, since],
    );
    const recent = new Map<number, Map<number, string>>(siteIds.map((siteId) => [siteId, new Map()]));
    for (const batch of rows.map(toView)) {
      const site = this.sites.get(batch.schoolSiteId);
      if (!site) continue;
      const look = fingerprint(batch);
      recent.get(batch.schoolSiteId)!.set(batch.id, look);
      if (site.delivered.get(batch.id) === look) continue;
      for (const listener of site.listeners) listener(batch);
    }
    // Batches that ended before the window are never read again, so what was delivered of them can go.
    for (const [siteId, delivered] of recent) {
      const site = this.sites.get(siteId);
      if (site) site.delivered = delivered;
    }
  }
}

const fingerprint = (batch: UploadBatchView): string =>
  [
    batch.status,
    batch.totalRows,
    batch.recordsProcessed,
    batch.recordsCreated,
    batch.recordsSkipped,
    batch.recordsFailed,
    batch.startTime?.getTime(),
    batch.endTime?.getTime(),
  ].join(':');
