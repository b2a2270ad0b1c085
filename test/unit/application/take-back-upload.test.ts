import { expect } from 'chai';
import { AccessDenied } from '../../../src/application/access-denied';
import { CancelUploadBatch } from '../../../src/application/cancel-upload-batch';
import type { UploadBatchView } from '../../../src/application/ports/upload-batches';
import type { UploadLogReader } from '../../../src/application/ports/upload-log-reader';
import type { KeptAccount, UploadTakeBack } from '../../../src/application/ports/upload-take-back';
import { ReadUploadLog } from '../../../src/application/read-upload-log';
import { UndoUploadBatch } from '../../../src/application/undo-upload-batch';
import { DISTRICT_ONE, NORTH_HIGH, SOUTH_MIDDLE, anActor } from '../../support/builders';
import { FixedClock, InMemorySchoolSiteRepository, RecordingAuditTrail, rejectionOf } from '../../support/fakes';

const aBatch = (overrides: Partial<UploadBatchView> = {}): UploadBatchView => ({
  id: 7,
  fileName: 'teachers.csv',
  schoolSiteId: NORTH_HIGH.id,
  uploadedByAccountId: 1,
  status: 'COMPLETED',
  dryRun: false,
  totalRows: 10,
  createdAt: new Date(0),
  startTime: null,
  endTime: null,
  rejectionReason: null,
  warnings: [],
  recordsProcessed: 10,
  recordsCreated: 10,
  recordsSkipped: 0,
  recordsFailed: 0,
  ...overrides,
});

/** The store as the SQL one behaves: each change guarded by the batch's status, null when it no longer applies. */
class InMemoryTakeBack implements UploadTakeBack {
  constructor(
    readonly batches: Map<number, UploadBatchView>,
    private readonly kept: KeptAccount[] = [],
  ) {}

  async cancel(batchId: number): Promise<UploadBatchView | null> {
    const batch = this.batches.get(batchId)!;
    if (batch.status !== 'QUEUED' && batch.status !== 'PROCESSING') return null;
    this.batches.set(batchId, { ...batch, status: 'CANCELLED' });
    return this.batches.get(batchId)!;
  }

  async undo(batchId: number): Promise<UploadBatchView | null> {
    const batch = this.batches.get(batchId)!;
    if (batch.status !== 'COMPLETED' && batch.status !== 'CANCELLED') return null;
    this.batches.set(batchId, { ...batch, status: 'UNDONE', recordsRemoved: batch.recordsCreated - this.kept.length, recordsKept: this.kept.length });
    return this.batches.get(batchId)!;
  }

  async countAccounts(): Promise<{ pending: number; registered: number }> {
    return { pending: 0, registered: this.kept.length };
  }

  async listKept(): Promise<KeptAccount[]> {
    return this.kept;
  }
}

describe('Taking an upload back (CancelUploadBatch, UndoUploadBatch)', () => {
  const sites = new InMemorySchoolSiteRepository().addDistrict(DISTRICT_ONE).addSite(NORTH_HIGH).addSite(SOUTH_MIDDLE);
  const clock = new FixedClock();
  const request = { batchId: 7, clientAddress: '203.0.113.9' };
  let batches: Map<number, UploadBatchView>;
  let audit: RecordingAuditTrail;
  const wired = (kept: KeptAccount[] = [], seen: Map<number, UploadBatchView> = batches) => {
    const log = new ReadUploadLog(sites, { findBatch: async (id: number) => seen.get(id) ?? null } as unknown as UploadLogReader);
    const takeBack = new InMemoryTakeBack(batches, kept);
    return { cancel: new CancelUploadBatch(log, takeBack, audit, clock), undo: new UndoUploadBatch(log, takeBack, audit, clock) };
  };

  beforeEach(() => {
    batches = new Map([[7, aBatch()]]);
    audit = new RecordingAuditTrail();
  });

  it("when a Site Admin undoes their site's finished upload, then it is UNDONE, the kept accounts are named, and the audit trail has it with the site and the address", async () => {
    const kept = [{ id: 3, email: 'kim@north.example.org', firstName: 'Kim', lastName: 'Lee' }];

    const outcome = await wired(kept).undo.execute(anActor().siteAdminOf(NORTH_HIGH).build(), request);

    expect(outcome.userErrors).to.deep.equal([]);
    expect(outcome.batch.batch).to.deep.include({ status: 'UNDONE', recordsRemoved: 9, recordsKept: 1 });
    expect(outcome.keptAccounts).to.deep.equal(kept);
    expect(audit.events).to.have.length(1);
    expect(audit.events[0]).to.deep.include({
      action: 'UPLOAD_UNDONE',
      outcome: 'SUCCEEDED',
      targetBatchId: 7,
      districtId: DISTRICT_ONE.id,
      schoolSiteId: NORTH_HIGH.id,
      clientAddress: '203.0.113.9',
    });
  });

  it('when the batch finished between reading it and cancelling it, then the answer is NOT_CANCELLABLE, and the refusal is audited', async () => {
    // The log read it still PROCESSING; the store finds it COMPLETED.
    const stale = new Map([[7, aBatch({ status: 'PROCESSING' })]]);
    const cancel = wired([], stale).cancel;
    batches.set(7, aBatch({ status: 'COMPLETED' }));

    const outcome = await cancel.execute(anActor().districtAdminOf(DISTRICT_ONE.id).build(), request);

    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['NOT_CANCELLABLE']);
    expect(audit.events.map((event) => [event.action, event.outcome, event.schoolSiteId])).to.deep.equal([
      ['UPLOAD_CANCELLED', 'NOT_CANCELLABLE', NORTH_HIGH.id],
    ]);
  });

  it("when a Site Admin of another site or an Educator asks, then it is refused as AccessDenied, nothing changes, and the refusal is audited in the asker's district", async () => {
    for (const actor of [anActor().siteAdminOf(SOUTH_MIDDLE).build(), anActor().withRole('EDUCATOR', [NORTH_HIGH]).build()]) {
      expect(await rejectionOf(wired().undo.execute(actor, request))).to.be.instanceOf(AccessDenied);
      expect(await rejectionOf(wired().cancel.execute(actor, request))).to.be.instanceOf(AccessDenied);
    }
    expect(batches.get(7)!.status).to.equal('COMPLETED');
    expect(audit.events.map((event) => [event.outcome, event.districtId, event.schoolSiteId ?? null])).to.deep.equal(
      new Array(4).fill(['FORBIDDEN', DISTRICT_ONE.id, null]),
    );
  });
});
