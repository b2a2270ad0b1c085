import { expect } from 'chai';
import { ProcessUploadBatch, type UploadWork } from '../../../src/application/process-upload-batch';
import type { ChunkLanding, ChunkToWrite, ChunkWriter, ChunkWrites } from '../../../src/application/ports/chunk-writer';
import type { TemplateCsvEvent } from '../../../src/application/ports/template-csv';
import type { UploadBatchQueue } from '../../../src/application/ports/upload-batch-queue';
import type { ClaimedBatch, ExistingAccount } from '../../../src/application/ports/upload-batches';
import type { EmailMessage } from '../../../src/domain/educator/invitation';
import type { Warning } from '../../../src/domain/school/site-admin-recommendation';
import { addCounts, type BatchCounts } from '../../../src/domain/upload-batch/upload-batch';
import { anEducator, DISTRICT_ONE, NORTH_HIGH } from '../../support/builders';
import { FakePageLinks, FixedClock, FixedRandomSource, InMemoryEducatorAccountRepository, InMemorySchoolSiteRepository } from '../../support/fakes';
import { COLLIDING_EMAILS } from '../../support/old-fingerprint';

const ROWS = [
  ['Ana', 'Li', 'ana@example.org', 'Educator'],
  ['Bo', 'Ng', 'not-an-email', 'Educator'],
  ['Cy', 'Ro', 'cy@example.org', 'Counselor'],
  ['Di', 'Xu', 'di@example.org', 'Educator'],
];

type Answer = 'committed' | 'lease-lost' | 'contended';

/**
 * Plays the worker's stores and a chunk writer that takes one chunk at a time: each chunk is written with the answer
 * scripted for it ('committed' once the script runs out); a chunk with an email that has an account meets the unique
 * index. Records every chunk that landed.
 */
class FakeUploads implements UploadWork {
  readonly written: ChunkWrites[] = [];
  completed: { counts: BatchCounts; warnings: Warning[] } | null = null;
  released = 0;
  /** The emails each look-up asked for, in order. */
  readonly lookedUp: string[][] = [];
  /** Emails that already have an account: a chunk that inserts one of them meets the unique index. */
  readonly taken = new Map<string, ExistingAccount>();
  private progress: BatchCounts = { recordsProcessed: 0, recordsCreated: 0, recordsSkipped: 0, recordsFailed: 0 };

  constructor(
    private readonly batch: ClaimedBatch,
    private readonly answers: Answer[],
  ) {}

  readonly queue = {
    claimNext: async (): Promise<ClaimedBatch | null> => (this.completed ? null : this.batch),
    complete: async (_batchId: number, _owner: string, _now: Date, _email: EmailMessage, warnings: Warning[]): Promise<boolean> => {
      this.completed = { counts: this.progress, warnings };
      return true;
    },
    releaseLease: async (): Promise<void> => {
      this.released += 1;
    },
  } as unknown as UploadBatchQueue;

  readonly files = {
    async *readFile(): AsyncIterable<Buffer> {},
  };

  /** Lines corrected in the page before the run was created from its check. */
  readonly corrected = new Map<number, string[]>();
  readonly corrections = { correctionsOf: async (): Promise<Map<number, string[]>> => this.corrected };

  readonly existingAccounts = {
    findExisting: async (emails: string[]): Promise<ExistingAccount[]> => {
      this.lookedUp.push(emails);
      return emails.flatMap((email) => this.taken.get(email) ?? []);
    },
  };

  readonly chunks: ChunkWriter = {
    startRun: () => ({
      hand: async (chunk: ChunkToWrite) => ({ landing: this.write(chunk) }),
    }),
  };

  private async write(chunk: ChunkToWrite): Promise<ChunkLanding> {
    for (let writes = chunk.writes; ;) {
      const answer = writes.creates.some((row) => this.taken.has(row.emailNormalized)) ? 'email-race' : (this.answers.shift() ?? 'committed');
      if (answer === 'lease-lost') return 'lease-lost';
      if (answer === 'committed') {
        this.written.push(writes);
        this.progress = addCounts(this.progress, writes.countsAdded);
        return 'landed';
      }
      writes = await chunk.planAgain(answer);
    }
  }
}

const templateEventsOf = (rows: string[][]) =>
  async function* templateEvents(): AsyncGenerator<TemplateCsvEvent> {
    yield { type: 'header', templateColumnCount: 4, ignoredTrailingColumns: 0, delimiter: ',', encoding: 'utf-8' };
    for (const [index, cells] of rows.entries()) yield { type: 'record', lineNumber: index + 2, cells };
  };

const batch: ClaimedBatch = {
  id: 7,
  fileName: 'staff.csv',
  schoolSiteId: NORTH_HIGH.id,
  uploadedByAccountId: 1,
  status: 'PROCESSING',
  dryRun: false,
  totalRows: ROWS.length,
  createdAt: new Date('2026-09-01T08:00:00Z'),
  startTime: new Date('2026-09-01T08:00:00Z'),
  endTime: null,
  rejectionReason: null,
  warnings: [],
  recordsProcessed: 0,
  recordsCreated: 0,
  recordsSkipped: 0,
  recordsFailed: 0,
  leaseOwner: 'worker-1',
};

const workerWith = async (store: FakeUploads, chunkRows = 1000, rows = ROWS): Promise<ProcessUploadBatch> => {
  const accounts = new InMemoryEducatorAccountRepository();
  await accounts.save(anEducator().withRole('SITE_ADMIN', [NORTH_HIGH]).registered('hash').build());
  const sites = new InMemorySchoolSiteRepository().addDistrict(DISTRICT_ONE).addSite(NORTH_HIGH);
  const settings = { workerId: 'worker-1', chunkRows, leaseMs: 30_000, maxRowBytes: 65_536, maxDataRows: 1000 };
  const readTemplate = templateEventsOf(rows);
  return new ProcessUploadBatch(store, sites, accounts, readTemplate, settings, new FakePageLinks(), new FixedClock(), new FixedRandomSource());
};

describe('ProcessUploadBatch', () => {
  it('when a chunk commits, then its rows are settled once with counts that add up to the rows read', async () => {
    const store = new FakeUploads(batch, []);

    expect(await (await workerWith(store)).execute()).to.equal(1);

    expect(store.written).to.have.length(1);
    expect(store.written[0].creates.map((row) => row.email)).to.deep.equal(['ana@example.org', 'cy@example.org', 'di@example.org']);
    expect(store.written[0].failures.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal([[3, 'INVALID_EMAIL']]);
    expect(store.completed?.counts).to.deep.equal({ recordsProcessed: 4, recordsCreated: 3, recordsSkipped: 0, recordsFailed: 1 });
  });

  it('when lines were corrected in the page, then the run reads their corrected cells, and a corrected row that still fails says so', async () => {
    const store = new FakeUploads({ ...batch, rowsCorrected: 2, createdFromBatchId: 6 }, []);
    store.corrected.set(3, ['Bo', 'Lee', 'bo@example.org', 'Educator']);
    store.corrected.set(4, ['Cy', 'Ng', 'cy@example.org', 'Principal']);

    await (await workerWith(store)).execute();

    expect(store.written[0].creates.map((row) => row.email)).to.deep.equal(['ana@example.org', 'bo@example.org', 'di@example.org']);
    expect(store.written[0].failures.map((failure) => [failure.lineNumber, failure.code, failure.cells[3]])).to.deep.equal([[4, 'UNKNOWN_ROLE', 'Principal']]);
    expect(store.written[0].failures[0].reason).to.match(/^Corrected in the page before creating\. "Principal" is not a role/);
  });

  it('when two different emails share the fingerprint duplicate detection used to keep, then both are created and neither is DUPLICATE_IN_FILE', async () => {
    const store = new FakeUploads(batch, []);
    const rows = [
      ...ROWS,
      ['Ed', 'Yu', COLLIDING_EMAILS[0], 'Educator'],
      ['Fa', 'Zo', COLLIDING_EMAILS[1], 'Educator'],
      ['Gi', 'Qi', 'ANA@example.org', 'Educator'],
    ];

    await (await workerWith(store, 1000, rows)).execute();

    expect(store.written[0].creates.map((row) => row.email)).to.deep.equal(['ana@example.org', 'cy@example.org', 'di@example.org', ...COLLIDING_EMAILS]);
    expect(store.written[0].failures.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal([
      [3, 'INVALID_EMAIL'],
      [8, 'DUPLICATE_IN_FILE'],
    ]);
  });

  it('when the database stays locked through every retry, then the rows that needed accounts fail as DATABASE_BUSY instead of the batch failing', async () => {
    const store = new FakeUploads(batch, ['contended']);

    expect(await (await workerWith(store)).execute()).to.equal(1);

    expect(store.written).to.have.length(1);
    expect(store.written[0].creates).to.deep.equal([]);
    expect(store.written[0].failures.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal([
      [2, 'DATABASE_BUSY'],
      [3, 'INVALID_EMAIL'],
      [4, 'DATABASE_BUSY'],
      [5, 'DATABASE_BUSY'],
    ]);
    expect(store.written[0].failures[0].reason).to.contain('Upload the same file again');
    expect(store.completed?.counts).to.deep.equal({ recordsProcessed: 4, recordsCreated: 0, recordsSkipped: 0, recordsFailed: 4 });
  });

  it('when even recording the failures cannot land, then nothing is counted and the batch is handed back for a later attempt', async () => {
    const store = new FakeUploads(batch, ['contended', 'contended']);

    const attempt = await (await workerWith(store)).execute().then(
      () => null,
      (error: Error) => error,
    );

    expect(attempt?.message).to.contain('too busy');
    expect(store.written).to.deep.equal([]);
    expect(store.completed).to.equal(null);
    expect(store.released).to.equal(1);
  });

  it('when no email of the file has an account yet, then no chunk is looked up before it is written', async () => {
    const store = new FakeUploads(batch, []);

    await (await workerWith(store, 2)).execute();

    expect(store.lookedUp).to.deep.equal([]);
    expect(store.written.map((chunk) => chunk.creates.map((row) => row.email))).to.deep.equal([['ana@example.org'], ['cy@example.org', 'di@example.org']]);
  });

  it('when a chunk meets an email that has an account, then that chunk is planned again against the accounts, and so is every chunk planned after it, before writing', async () => {
    const store = new FakeUploads(batch, []);
    store.taken.set('ana@example.org', { id: 40, emailNormalized: 'ana@example.org', expired: false, schoolSiteIds: [NORTH_HIGH.id] });

    await (await workerWith(store, 2)).execute();

    expect(store.lookedUp).to.deep.equal([['ana@example.org'], ['cy@example.org', 'di@example.org']]);
    expect(store.written.map((chunk) => [chunk.creates.map((row) => row.email), chunk.countsAdded.recordsSkipped])).to.deep.equal([
      [[], 1],
      [['cy@example.org', 'di@example.org'], 0],
    ]);
  });

  it('when the batch is a dry run, then every chunk is looked up, since nothing it plans is ever inserted', async () => {
    const store = new FakeUploads({ ...batch, dryRun: true }, []);

    await (await workerWith(store, 2)).execute();

    expect(store.lookedUp).to.deep.equal([['ana@example.org'], ['cy@example.org', 'di@example.org']]);
  });

  it('when another worker took the batch over, then this one stops without completing it', async () => {
    const store = new FakeUploads(batch, ['lease-lost']);

    expect(await (await workerWith(store)).execute()).to.equal(0);

    expect(store.completed).to.equal(null);
  });

  it('when the chunk before is written again after a taken email, then the chunk after it waits and lands after it with its own counts', async () => {
    const store = new FakeUploads(batch, []);
    store.taken.set('ana@example.org', { id: 40, emailNormalized: 'ana@example.org', expired: false, schoolSiteIds: [NORTH_HIGH.id] });

    expect(await (await workerWith(store, 2)).execute()).to.equal(1);

    expect(store.written.map((chunk) => [chunk.recordsProcessedBefore, chunk.countsAdded])).to.deep.equal([
      [0, { recordsProcessed: 2, recordsCreated: 0, recordsSkipped: 1, recordsFailed: 1 }],
      [2, { recordsProcessed: 2, recordsCreated: 2, recordsSkipped: 0, recordsFailed: 0 }],
    ]);
    expect(store.completed?.counts).to.deep.equal({ recordsProcessed: 4, recordsCreated: 2, recordsSkipped: 1, recordsFailed: 1 });
  });
});
