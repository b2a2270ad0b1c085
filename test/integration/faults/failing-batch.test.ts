import { expect } from 'chai';
import { TEMPLATE_HEADER } from '../../support/csv-fixtures';
import { DEMO_DISTRICT_ADMIN_EMAIL, describeAgainstMariaDb, openFaultEnvironment, siteIdsByName, type Api, type FaultEnvironment } from './fault-kit';

const csv = (lines: string[]): string => `${[TEMPLATE_HEADER.join(','), ...lines].join('\r\n')}\r\n`;

describeAgainstMariaDb('A worker process meeting a batch that keeps failing', () => {
  let environment: FaultEnvironment;
  let api: Api;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('failing');
    api = await environment.startApi();
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  it('when a batch meets an error no retry gets past, then the worker logs each attempt, ends it FAILED, goes on to the next batch', async function () {
    this.timeout(120_000);
    const token = await api.signIn(DEMO_DISTRICT_ADMIN_EMAIL);
    const sites = await siteIdsByName(api, token);
    // Its failed rows cannot be recorded while the failures table is away; the other file has none to record.
    const broken = await api.upload(token, {
      schoolSiteId: sites['Demo Partner High'],
      content: csv(['Ann,Lee,ann@broken.example.org,Educator', 'Bob,Ray,bob@broken.example.org,Educator', 'No,Email,not-an-email,Educator']),
    });
    const healthy = await api.upload(token, { schoolSiteId: sites['Demo Middle School'], content: csv(['Cy,Ro,cy@healthy.example.org,Counselor']) });
    const [brokenId, healthyId] = [broken, healthy].map((answer) => environment.publicIds.decode('batch', answer.data.uploadEducatorAccounts.batch.id)!);
    await environment.rows('ALTER TABLE upload_failure RENAME TO upload_failure_away');

    const worker = environment.startWorker({ UPLOAD_CHUNK_ROWS: '2' });
    const failed = await environment.waitFor(
      'the broken batch to end FAILED',
      async () => {
        const batch = await environment.batch(brokenId);
        return batch.status === 'FAILED' ? batch : undefined;
      },
      60_000,
    );
    await environment.completed(healthyId, "the other site's batch to complete", 30_000);
    await environment.rows('ALTER TABLE upload_failure_away RENAME TO upload_failure');

    expect(failed).to.deep.include({ processed: 2, created: 2, failed: 0 });
    const logged = worker.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const attempts = logged.filter((line) => String(line.message).startsWith('Upload batch'));
    expect(attempts.map((line) => [line.message, line.batchId, line.batch, line.attempts])).to.deep.equal([
      ['Upload batch attempt failed; it will be tried again', brokenId, broken.data.uploadEducatorAccounts.batch.id, 1],
      ['Upload batch attempt failed; it will be tried again', brokenId, broken.data.uploadEducatorAccounts.batch.id, 2],
      ['Upload batch FAILED', brokenId, broken.data.uploadEducatorAccounts.batch.id, 3],
    ]);
    expect(String(attempts[2].error)).to.include("upload_failure' doesn't exist");
    // The batch's own failures never made the loop back off, as the database's trouble does.
    expect(logged.filter((line) => line.message === 'Upload processing failed; retrying')).to.deep.equal([]);
    expect(worker.child.exitCode).to.equal(null);
  });
});
