import { expect } from 'chai';
import {
  BATCH_LIFECYCLE,
  cancelRefusal,
  undoRefusal,
  UploadBatch,
  VISIBLE_BATCH_STATUSES,
  type BatchVerb,
  type UploadBatchStatus,
} from '../../../../src/domain/upload-batch/upload-batch';

const NO_COUNTS = { recordsProcessed: 0, recordsCreated: 0, recordsSkipped: 0, recordsFailed: 0 };
const ALL_STATUSES: UploadBatchStatus[] = ['RECEIVING', ...VISIBLE_BATCH_STATUSES];

const batchIn = (status: UploadBatchStatus): UploadBatch => UploadBatch.restore({ id: 7, status, counts: NO_COUNTS });

const act = (batch: UploadBatch, verb: BatchVerb) => (verb === 'recordChunk' ? batch.recordChunk(NO_COUNTS) : batch[verb]());

describe('UploadBatch', () => {
  it('when a file arrives whole and is processed, then it goes RECEIVING, QUEUED, PROCESSING, COMPLETED, counting each landed chunk', () => {
    const batch = batchIn('RECEIVING');

    expect([batch.queue().ok, batch.status]).to.deep.equal([true, 'QUEUED']);
    expect([batch.claim().ok, batch.status]).to.deep.equal([true, 'PROCESSING']);
    expect(batch.recordChunk({ recordsProcessed: 3, recordsCreated: 2, recordsSkipped: 0, recordsFailed: 1 }).ok).to.equal(true);
    expect(batch.recordChunk({ recordsProcessed: 2, recordsCreated: 1, recordsSkipped: 1, recordsFailed: 0 }).ok).to.equal(true);
    expect([batch.complete().ok, batch.status]).to.deep.equal([true, 'COMPLETED']);
    expect(batch.counts).to.deep.equal({ recordsProcessed: 5, recordsCreated: 3, recordsSkipped: 1, recordsFailed: 1 });
  });

  it('when a verb is asked of a batch in any status, then it happens exactly from the statuses its lifecycle lists, and is refused with BATCH_STATUS otherwise', () => {
    for (const verb of Object.keys(BATCH_LIFECYCLE) as BatchVerb[]) {
      for (const status of ALL_STATUSES) {
        const batch = batchIn(status);
        const result = act(batch, verb);
        const allowed = (BATCH_LIFECYCLE[verb].from as readonly UploadBatchStatus[]).includes(status);
        expect(result.ok, `${verb} from ${status}`).to.equal(allowed);
        expect(batch.status, `${verb} from ${status}`).to.equal(allowed ? BATCH_LIFECYCLE[verb].to : status);
        if (!result.ok) expect(result.error.code).to.equal('BATCH_STATUS');
      }
    }
  });

  it('when a batch has ended (COMPLETED, REJECTED, FAILED, CANCELLED or UNDONE), then no verb but an undo of a COMPLETED or CANCELLED one changes it', () => {
    for (const status of ['COMPLETED', 'REJECTED', 'FAILED', 'CANCELLED', 'UNDONE'] as const) {
      for (const verb of Object.keys(BATCH_LIFECYCLE) as BatchVerb[]) {
        const undoable = verb === 'undo' && (status === 'COMPLETED' || status === 'CANCELLED');
        expect(act(batchIn(status), verb).ok, `${verb} from ${status}`).to.equal(undoable);
      }
    }
  });

  it('when an admin takes a batch back, then a waiting or running one may be cancelled and a finished one undone, each refused otherwise in words', () => {
    expect(['QUEUED', 'PROCESSING'].map((status) => cancelRefusal(status as UploadBatchStatus))).to.deep.equal([null, null]);
    expect(cancelRefusal('COMPLETED')?.code).to.equal('NOT_CANCELLABLE');
    expect(cancelRefusal('COMPLETED')?.message).to.include('Undo upload');
    const created = (status: UploadBatchStatus, recordsCreated = 3, dryRun = false) => undoRefusal({ status, recordsCreated, dryRun });
    expect([created('COMPLETED'), created('CANCELLED'), created('COMPLETED', 0)]).to.deep.equal([null, null, null]);
    expect(
      [created('QUEUED'), created('PROCESSING'), created('UNDONE'), created('REJECTED', 0), created('CANCELLED', 0), created('COMPLETED', 3, true)].map(
        (error) => error?.code,
      ),
    ).to.deep.equal(new Array(6).fill('NOT_UNDOABLE'));
    expect(created('PROCESSING')?.message).to.equal('This upload is still running. Cancel it first, then undo it.');
  });

  it('when a chunk cannot be recorded (the batch is not PROCESSING), then its counts are not added', () => {
    const batch = batchIn('QUEUED');

    batch.recordChunk({ recordsProcessed: 3, recordsCreated: 3, recordsSkipped: 0, recordsFailed: 0 });

    expect(batch.counts).to.deep.equal(NO_COUNTS);
  });
});
