import { expect } from 'chai';
import { ProcessUploadBatch } from '../../../src/application/process-upload-batch';
import type { TemplateCsvEvent } from '../../../src/application/ports/template-csv';
import type { ChunkCommit, ChunkWrites, ClaimedBatch, ExistingAccount, UploadBatchStore } from '../../../src/application/ports/upload-batches';
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

/**
 * Plays the store's part with scripted answers to commitChunk, recording every chunk that was written. Like the real
 * store's fence, a chunk lands only right after the chunk before it.
 */
class ScriptedStore {
  readonly written: ChunkWrites[] = [];
  completed: { counts: BatchCounts; warnings: Warning[] } | null = null;
  released = 0;
  /** Every chunk handed over, with the answer it got. */
  readonly handedOver: { startingAt: number; answer: ChunkCommit }[] = [];
  /** While set, a chunk that would land waits for it: the database is still writing it. */
  private landing: Promise<void> | null = null;
  /** Where each chunk handed over and not landed yet starts. */
  readonly notLanded = new Set<number>();
  mostNotLandedAtOnce = 0;
  private progress: BatchCounts = { recordsProcessed: 0, recordsCreated: 0, recordsSkipped: 0, recordsFailed: 0 };

  constructor(
    private readonly batch: ClaimedBatch,
    private readonly answers: ChunkCommit[],
  ) {}

  /** Chunks that would land wait until the function returned is called. */
  holdLandings(): () => void {
    let release!: () => void;
    this.landing = new Promise((resolve) => {
      release = resolve;
    });
    return release;
  }

  async claimNext(): Promise<ClaimedBatch | null> {
    return this.completed ? null : this.batch;
  }
  async *readFile(): AsyncIterable<Buffer> {}
  /** The emails each look-up asked for, in order. */
  readonly lookedUp: string[][] = [];
  /** Emails that already have an account: a chunk that inserts one of them meets the unique index. */
  readonly taken = new Map<string, ExistingAccount>();

  async findExisting(emails: string[]): Promise<ExistingAccount[]> {
    this.lookedUp.push(emails);
    return emails.flatMap((email) => this.taken.get(email) ?? []);
  }
  async commitChunk(writes: ChunkWrites): Promise<ChunkCommit> {
    this.notLanded.add(writes.recordsProcessedBefore);
    this.mostNotLandedAtOnce = Math.max(this.mostNotLandedAtOnce, this.notLanded.size);
    const answer = await this.answer(writes);
    if (answer === 'committed') this.notLanded.delete(writes.recordsProcessedBefore);
    this.handedOver.push({ startingAt: writes.recordsProcessedBefore, answer });
    return answer;
  }
  private async answer(writes: ChunkWrites): Promise<ChunkCommit> {
    if (writes.creates.some((row) => this.taken.has(row.emailNormalized))) return 'email-race';
    if (writes.recordsProcessedBefore !== this.progress.recordsProcessed) return 'out-of-turn';
    const answer = this.answers.shift() ?? 'committed';
    if (answer !== 'committed') return answer;
    await this.landing;
    if (writes.recordsProcessedBefore !== this.progress.recordsProcessed) return 'out-of-turn';
    this.written.push(writes);
    this.progress = addCounts(this.progress, writes.countsAdded);
    return 'committed';
  }
  async complete(_batchId: number, _owner: string, _now: Date, _email: EmailMessage, warnings: Warning[]): Promise<boolean> {
    this.completed = { counts: this.progress, warnings };
    return true;
  }
  async releaseLease(): Promise<void> {
    this.released += 1;
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

const workerWith = async (store: ScriptedStore, chunkRows = 1000, rows = ROWS): Promise<ProcessUploadBatch> => {
  const accounts = new InMemoryEducatorAccountRepository();
  await accounts.save(anEducator().withRole('SITE_ADMIN', [NORTH_HIGH]).registered('hash').build());
  const sites = new InMemorySchoolSiteRepository().addDistrict(DISTRICT_ONE).addSite(NORTH_HIGH);
  const settings = { workerId: 'worker-1', chunkRows, leaseMs: 30_000, maxRowBytes: 65_536, maxDataRows: 1000 };
  const readTemplate = templateEventsOf(rows);
  return new ProcessUploadBatch(
    store as unknown as UploadBatchStore,
    sites,
    accounts,
    readTemplate,
    settings,
    new FakePageLinks(),
    new FixedClock(),
    new FixedRandomSource(),
  );
};

describe('ProcessUploadBatch', () => {
  it('when a chunk commits, then its rows are settled once with counts that add up to the rows read', async () => {
    const store = new ScriptedStore(batch, []);

    expect(await (await workerWith(store)).execute()).to.equal(1);

    expect(store.written).to.have.length(1);
    expect(store.written[0].creates.map((row) => row.email)).to.deep.equal(['ana@example.org', 'cy@example.org', 'di@example.org']);
    expect(store.written[0].failures.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal([[3, 'INVALID_EMAIL']]);
    expect(store.completed?.counts).to.deep.equal({ recordsProcessed: 4, recordsCreated: 3, recordsSkipped: 0, recordsFailed: 1 });
  });

  it('when two different emails share the fingerprint duplicate detection used to keep, then both are created and neither is DUPLICATE_IN_FILE', async () => {
    const store = new ScriptedStore(batch, []);
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
    const store = new ScriptedStore(batch, ['contended']);

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
    const store = new ScriptedStore(batch, ['contended', 'contended']);

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
    const store = new ScriptedStore(batch, []);

    await (await workerWith(store, 2)).execute();

    expect(store.lookedUp).to.deep.equal([]);
    expect(store.written.map((chunk) => chunk.creates.map((row) => row.email))).to.deep.equal([['ana@example.org'], ['cy@example.org', 'di@example.org']]);
  });

  it('when a chunk meets an email that has an account, then that chunk is planned again against the accounts, and so is every chunk planned after it, before writing', async () => {
    const store = new ScriptedStore(batch, []);
    store.taken.set('ana@example.org', { id: 40, emailNormalized: 'ana@example.org', expired: false, schoolSiteIds: [NORTH_HIGH.id] });

    await (await workerWith(store, 2)).execute();

    expect(store.lookedUp).to.deep.equal([['ana@example.org'], ['cy@example.org', 'di@example.org']]);
    expect(store.written.map((chunk) => [chunk.creates.map((row) => row.email), chunk.countsAdded.recordsSkipped])).to.deep.equal([
      [[], 1],
      [['cy@example.org', 'di@example.org'], 0],
    ]);
  });

  it('when the batch is a dry run, then every chunk is looked up, since nothing it plans is ever inserted', async () => {
    const store = new ScriptedStore({ ...batch, dryRun: true }, []);

    await (await workerWith(store, 2)).execute();

    expect(store.lookedUp).to.deep.equal([['ana@example.org'], ['cy@example.org', 'di@example.org']]);
  });

  it('when another worker took the batch over, then this one stops without completing it', async () => {
    const store = new ScriptedStore(batch, ['lease-lost']);

    expect(await (await workerWith(store)).execute()).to.equal(0);

    expect(store.completed).to.equal(null);
  });

  it('when a chunk is handed over while the one before it is still being written, then it lands right after that one, never before', async () => {
    const store = new ScriptedStore(batch, []);
    const landed = store.holdLandings();

    const execution = (await workerWith(store, 2)).execute();
    await until(() => store.handedOver.length === 1);
    expect(store.handedOver).to.deep.equal([{ startingAt: 2, answer: 'out-of-turn' }]);
    landed();

    expect(await execution).to.equal(1);
    expect(store.handedOver).to.deep.equal([
      { startingAt: 2, answer: 'out-of-turn' },
      { startingAt: 0, answer: 'committed' },
      { startingAt: 2, answer: 'committed' },
    ]);
    expect(store.written.map((chunk) => chunk.creates.map((row) => row.email))).to.deep.equal([['ana@example.org'], ['cy@example.org', 'di@example.org']]);
    expect(store.completed?.counts).to.deep.equal({ recordsProcessed: 4, recordsCreated: 3, recordsSkipped: 0, recordsFailed: 1 });
  });

  it('when chunks are slow to land, then no more than two are handed over and not landed at once', async () => {
    const store = new ScriptedStore(batch, []);
    const landed = store.holdLandings();

    const execution = (await workerWith(store, 1)).execute();
    await until(() => store.notLanded.size === 2);
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect([...store.notLanded]).to.deep.equal([0, 1]);
    landed();

    expect(await execution).to.equal(1);
    expect(store.mostNotLandedAtOnce).to.equal(2);
    expect(store.written.map((chunk) => chunk.recordsProcessedBefore)).to.deep.equal([0, 1, 2, 3]);
  });

  it('when the chunk before is written again after a taken email, then the chunk after it waits and lands after it with its own counts', async () => {
    const store = new ScriptedStore(batch, []);
    store.taken.set('ana@example.org', { id: 40, emailNormalized: 'ana@example.org', expired: false, schoolSiteIds: [NORTH_HIGH.id] });

    expect(await (await workerWith(store, 2)).execute()).to.equal(1);

    expect(store.written.map((chunk) => [chunk.recordsProcessedBefore, chunk.countsAdded])).to.deep.equal([
      [0, { recordsProcessed: 2, recordsCreated: 0, recordsSkipped: 1, recordsFailed: 1 }],
      [2, { recordsProcessed: 2, recordsCreated: 2, recordsSkipped: 0, recordsFailed: 0 }],
    ]);
    expect(store.completed?.counts).to.deep.equal({ recordsProcessed: 4, recordsCreated: 2, recordsSkipped: 1, recordsFailed: 1 });
  });
});

/** Lets the worker run until the condition holds (the scripted store answers within a few turns of the event loop). */
const until = async (condition: () => boolean): Promise<void> => {
  for (let turn = 0; !condition(); turn += 1) {
    if (turn > 1000) throw new Error('the condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
};
