import { expect } from 'chai';
import { AccessDenied } from '../../../src/application/access-denied';
import { FollowUploadLog } from '../../../src/application/follow-upload-log';
import { ListManagedSchoolSites } from '../../../src/application/list-managed-school-sites';
import type { UploadBatchView } from '../../../src/application/ports/upload-batches';
import type { UploadLogReader } from '../../../src/application/ports/upload-log-reader';
import type { UploadLogChanges } from '../../../src/application/ports/upload-log-changes';
import { ReadUploadLog } from '../../../src/application/read-upload-log';
import type { Actor } from '../../../src/domain/shared/actor';
import { DISTRICT_ONE, NORTH_HIGH, SOUTH_MIDDLE, anActor } from '../../support/builders';
import { InMemorySchoolSiteRepository, rejectionOf } from '../../support/fakes';

const aBatch = (id: number, schoolSiteId: number, recordsProcessed = 0): UploadBatchView => ({
  id,
  fileName: `file-${id}.csv`,
  schoolSiteId,
  uploadedByAccountId: 1,
  status: 'PROCESSING',
  dryRun: false,
  totalRows: 10,
  createdAt: new Date(0),
  startTime: null,
  endTime: null,
  rejectionReason: null,
  warnings: [],
  recordsProcessed,
  recordsCreated: recordsProcessed,
  recordsSkipped: 0,
  recordsFailed: 0,
});

/** Changes delivered by hand; remembers who watches what. */
class HandFedChanges implements UploadLogChanges {
  readonly listeners = new Map<(batch: UploadBatchView) => void, number[]>();

  watch(schoolSiteIds: number[], listener: (batch: UploadBatchView) => void): () => void {
    this.listeners.set(listener, schoolSiteIds);
    return () => this.listeners.delete(listener);
  }

  change(batch: UploadBatchView): void {
    for (const [listener, siteIds] of this.listeners) if (siteIds.includes(batch.schoolSiteId)) listener(batch);
  }
}

describe('FollowUploadLog', () => {
  const sites = new InMemorySchoolSiteRepository().addDistrict(DISTRICT_ONE).addSite(NORTH_HIGH).addSite(SOUTH_MIDDLE);
  const batches = new Map<number, UploadBatchView>([[7, aBatch(7, NORTH_HIGH.id)]]);
  const store = { findBatch: async (id: number) => batches.get(id) ?? null } as unknown as UploadLogReader;
  let changes: HandFedChanges;
  let now: number;
  let current: Actor | null;
  let identifications: number;
  const identify = async () => ((identifications += 1), current);
  const follow = () =>
    new FollowUploadLog(new ReadUploadLog(sites, store), new ListManagedSchoolSites(sites), changes, { beforeDeliveryMs: 5_000, idleMs: 60_000 }, () => now);

  beforeEach(() => {
    changes = new HandFedChanges();
    now = 0;
    current = anActor().siteAdminOf(NORTH_HIGH).build();
    identifications = 0;
  });

  it('when a Site Admin follows every site they manage, then only their own site is watched and its changes arrive in order', async () => {
    const live = await follow().execute(identify, { schoolSiteId: null, batchId: null });
    expect([...changes.listeners.values()]).to.deep.equal([[NORTH_HIGH.id]]);
    changes.change(aBatch(1, NORTH_HIGH.id, 5));
    changes.change(aBatch(2, NORTH_HIGH.id, 3));
    const first = await live.next();
    const second = await live.next();
    expect([first.value.batch.id, second.value.batch.id]).to.deep.equal([1, 2]);
    expect(first.value.site).to.deep.equal(NORTH_HIGH);
  });

  it('when a batch changes several times before it is read, then only its latest state is delivered', async () => {
    const live = await follow().execute(identify, { schoolSiteId: NORTH_HIGH.id, batchId: null });
    for (const processed of [1, 2, 3]) changes.change(aBatch(1, NORTH_HIGH.id, processed));
    expect((await live.next()).value.batch.recordsProcessed).to.equal(3);
  });

  it("when one batch is followed, then changes of its site's other batches are not delivered", async () => {
    const live = await follow().execute(identify, { schoolSiteId: null, batchId: 7 });
    changes.change(aBatch(8, NORTH_HIGH.id, 1));
    changes.change(aBatch(7, NORTH_HIGH.id, 4));
    expect((await live.next()).value.batch).to.include({ id: 7, recordsProcessed: 4 });
  });

  it('when a Site Admin asks for another site, a batch of another site or an id that names nothing, then it is AccessDenied', async () => {
    batches.set(9, aBatch(9, SOUTH_MIDDLE.id));
    for (const part of [
      { schoolSiteId: SOUTH_MIDDLE.id, batchId: null },
      { schoolSiteId: null, batchId: 9 },
      { schoolSiteId: undefined, batchId: null },
      { schoolSiteId: null, batchId: undefined },
    ]) {
      expect(await rejectionOf(follow().execute(identify, part)), JSON.stringify(part)).to.be.instanceOf(AccessDenied);
    }
    current = anActor().withRole('EDUCATOR', [NORTH_HIGH]).build();
    expect(await rejectionOf(follow().execute(identify, { schoolSiteId: null, batchId: null }))).to.be.instanceOf(AccessDenied);
    expect(changes.listeners.size).to.equal(0);
  });

  it('when the viewer lost their authority and a change comes after the check has aged, then the stream ends without delivering it', async () => {
    const live = await follow().execute(identify, { schoolSiteId: NORTH_HIGH.id, batchId: null });
    changes.change(aBatch(1, NORTH_HIGH.id, 1));
    expect((await live.next()).done).to.equal(false);
    current = anActor().withRole('EDUCATOR', [NORTH_HIGH]).build();
    now = 5_000;
    changes.change(aBatch(1, NORTH_HIGH.id, 2));
    expect(await live.next()).to.deep.equal({ done: true, value: undefined });
    expect(changes.listeners.size).to.equal(0);
  });

  it('when changes come while the check is still fresh, then authority is not read again for each of them', async () => {
    const live = await follow().execute(identify, { schoolSiteId: NORTH_HIGH.id, batchId: null });
    for (const processed of [1, 2, 3]) {
      changes.change(aBatch(processed, NORTH_HIGH.id, processed));
      await live.next();
    }
    expect(identifications).to.equal(1);
  });

  it('when the subscriber leaves while waiting for a change, then the wait ends at once and the site is no longer watched', async () => {
    const live = await follow().execute(identify, { schoolSiteId: NORTH_HIGH.id, batchId: null });
    const waiting = live.next();
    await live.return!();
    expect(await waiting).to.deep.equal({ done: true, value: undefined });
    expect(changes.listeners.size).to.equal(0);
  });
});
