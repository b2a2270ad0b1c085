import { manages, mayCreateAccounts } from '../domain/role/account-creation-policy';
import type { SchoolSite } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { AccessDenied } from './access-denied';
import type { ListManagedSchoolSites } from './list-managed-school-sites';
import type { UploadBatchView } from './ports/upload-batches';
import type { UploadLogChanges } from './ports/upload-log-changes';
import type { ReadUploadLog, VisibleBatch } from './read-upload-log';

/** What to follow: one batch, one site, or (both null) every site the viewer manages; undefined: an id that names nothing. */
export interface FollowedPart {
  batchId: number | null | undefined;
  schoolSiteId: number | null | undefined;
}

export interface Rechecks {
  /** A change is delivered only while the viewer's authority was confirmed at most this long ago. */
  beforeDeliveryMs: number;
  /** An idle subscription confirms it this often, and ends when it no longer holds. */
  idleMs: number;
}

/**
 * The upload log as it changes, for as long as the viewer may see it: authority is read afresh (as on every request)
 * before changes are delivered and while nothing changes, and the subscription ends when the viewer lost it.
 */
export class FollowUploadLog {
  constructor(
    private readonly log: ReadUploadLog,
    private readonly managedSites: ListManagedSchoolSites,
    private readonly changes: UploadLogChanges,
    private readonly rechecks: Rechecks,
    private readonly now: () => number = Date.now,
  ) {}

  /** `identify` reads the viewer again from the credential the subscription was opened with (null: no longer valid). */
  async execute(identify: () => Promise<Actor | null>, part: FollowedPart): Promise<AsyncIterableIterator<VisibleBatch>> {
    const actor = await identify();
    if (!actor || !mayCreateAccounts(actor)) throw new AccessDenied();
    const sites = await this.sitesFollowed(actor, part);
    const batchId = part.batchId ?? null;
    const stillAllowed = async (): Promise<boolean> => {
      const current = await identify();
      return current !== null && sites.every((site) => manages(current, site));
    };
    return new LiveBatches(this.changes, sites, batchId, stillAllowed, this.rechecks, this.now);
  }

  private async sitesFollowed(actor: Actor, part: FollowedPart): Promise<SchoolSite[]> {
    if (part.batchId !== null) {
      const visible = await this.log.findBatch(actor, part.batchId);
      if (!visible) throw new AccessDenied();
      return [visible.site];
    }
    if (part.schoolSiteId === null) return this.managedSites.execute(actor);
    const site = (await this.managedSites.execute(actor)).find((managed) => managed.id === part.schoolSiteId);
    if (!site) throw new AccessDenied();
    return [site];
  }
}

/**
 * An iterator rather than an async generator: a generator waiting for the next change could not be ended until one
 * came, and a subscriber that leaves must stop being watched at once.
 */
class LiveBatches implements AsyncIterableIterator<VisibleBatch> {
  /** Only a batch's latest state is worth delivering: a slow reader gets each changed batch once. */
  private readonly pending = new Map<number, UploadBatchView>();
  private readonly siteById: Map<number, SchoolSite>;
  private readonly unwatch: () => void;
  private readonly idleTimer: NodeJS.Timeout;
  private wake: (() => void) | undefined;
  private ended = false;
  private confirmedAt: number;

  constructor(
    changes: UploadLogChanges,
    sites: SchoolSite[],
    private readonly batchId: number | null,
    private readonly stillAllowed: () => Promise<boolean>,
    private readonly rechecks: Rechecks,
    private readonly now: () => number,
  ) {
    this.confirmedAt = now();
    this.siteById = new Map(sites.map((site) => [site.id, site]));
    this.unwatch = changes.watch([...this.siteById.keys()], (batch) => {
      if (this.batchId !== null && batch.id !== this.batchId) return;
      this.pending.delete(batch.id);
      this.pending.set(batch.id, batch);
      this.wake?.();
    });
    this.idleTimer = setInterval(() => this.wake?.(), rechecks.idleMs).unref();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<VisibleBatch> {
    return this;
  }

  async next(): Promise<IteratorResult<VisibleBatch>> {
    while (!this.ended) {
      if (this.pending.size === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
      if (this.ended) break;
      const idle = this.pending.size === 0;
      if (this.now() - this.confirmedAt >= (idle ? this.rechecks.idleMs : this.rechecks.beforeDeliveryMs)) {
        if (!(await this.stillAllowed())) return this.return();
        this.confirmedAt = this.now();
      }
      const [batch] = this.pending.values();
      if (!batch) continue;
      this.pending.delete(batch.id);
      return { done: false, value: { batch, site: this.siteById.get(batch.schoolSiteId)! } };
    }
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<VisibleBatch>> {
    if (!this.ended) {
      this.ended = true;
      this.unwatch();
      clearInterval(this.idleTimer);
      this.wake?.();
    }
    return { done: true, value: undefined };
  }
}
