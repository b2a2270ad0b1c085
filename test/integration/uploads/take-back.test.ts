import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { anEducatorRow, csvFile, educatorRows } from '../../support/csv-fixtures';
import {
  BATCH_FIELDS,
  MIDDLE_SCHOOL,
  PARTNER_HIGH,
  countRows,
  invitationsIn,
  readBatch,
  recipientOf,
  siteIdsByName,
  uploadAndProcess,
  uploadFile,
} from './upload-kit';

const CHUNK_ROWS = 5;
const TAKE_BACK_FIELDS = `${BATCH_FIELDS} recordsRemoved recordsKept`;
const CANCEL = `mutation($input: CancelUploadBatchInput!) { cancelUploadBatch(input: $input) { batch { ${TAKE_BACK_FIELDS} } userErrors { code message field } } }`;
const UNDO = `mutation($input: UndoUploadBatchInput!) {
  undoUploadBatch(input: $input) { batch { ${TAKE_BACK_FIELDS} } keptAccounts { email firstName lastName } userErrors { code message field } }
}`;
const REGISTER = 'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { status } userErrors { code } } }';
const PASSWORD = 'a long enough password 123';

describeOnEachDatabase('Taking an upload back: cancelUploadBatch and undoUploadBatch', (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  let siteAdmin: string;

  before(async () => {
    server = await startTestServer(database, { uploadChunkRows: CHUNK_ROWS });
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
  });

  const internalId = (batchId: string) => server.application.publicIds.decode('batch', batchId);
  const cancel = async (token: string, batchId: string) => server.graphql(CANCEL, { input: { batchId } }, token);
  const undo = async (token: string, batchId: string) => server.graphql(UNDO, { input: { batchId } }, token);
  const accountsOf = (batchId: string) => countRows(server, 'educator_account WHERE source_batch_id = ?', [internalId(batchId)]);
  const auditOf = (action: string) =>
    server.application.dataSource.query<
      { outcome: string; target_batch_id: number; school_site_id: number | null; district_id: number; client_address: string }[]
    >('SELECT outcome, target_batch_id, school_site_id, district_id, client_address FROM audit_event WHERE action = ? ORDER BY id', [action]);
  const register = (email: string, registrationCode: string) =>
    server.graphql(REGISTER, { input: { email, registrationCode, password: PASSWORD, educationalInterestAccepted: true } });
  const codeFor = (emails: string[], email: string): string => /Registration code: (\S+)/.exec(emails.find((text) => recipientOf(text) === email)!)![1];

  it('when a finished upload is undone before its invitations went out, then its accounts are removed, no invitation is ever sent, and the log shows UNDONE', async () => {
    const batch = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(12)) });
    expect(batch).to.deep.include({ status: 'COMPLETED', recordsCreated: 12 });
    expect(await countRows(server, "outbox_message WHERE template = 'invitation'")).to.equal(12);

    const answer = await undo(siteAdmin, batch.id);

    expect(answer.errors, answer.text).to.equal(undefined);
    expect(answer.data.undoUploadBatch.userErrors).to.deep.equal([]);
    expect(answer.data.undoUploadBatch.keptAccounts).to.deep.equal([]);
    expect(answer.data.undoUploadBatch.batch).to.deep.include({ id: batch.id, status: 'UNDONE', recordsCreated: 12, recordsRemoved: 12, recordsKept: 0 });
    expect(await accountsOf(batch.id)).to.equal(0);
    expect(await countRows(server, 'educator_account_site WHERE account_id NOT IN (SELECT id FROM educator_account)')).to.equal(0);
    expect(await countRows(server, "outbox_message WHERE template = 'invitation'")).to.equal(0);
    expect(invitationsIn(await server.deliveredEmails())).to.deep.equal([]);
    const logged = await server.graphql(
      `query($site: ID) { uploadBatches(schoolSiteId: $site) { nodes { id status recordsRemoved recordsKept } } }`,
      {
        site: sites[PARTNER_HIGH],
      },
      siteAdmin,
    );
    expect(logged.data.uploadBatches.nodes).to.deep.include({ id: batch.id, status: 'UNDONE', recordsRemoved: 12, recordsKept: 0 });
    const [audited] = await auditOf('UPLOAD_UNDONE');
    expect(audited).to.deep.include({ outcome: 'SUCCEEDED', target_batch_id: internalId(batch.id) });
    expect(Number(audited.school_site_id)).to.equal(server.application.publicIds.decode('site', sites[PARTNER_HIGH]));
    expect(audited.client_address).to.not.equal('');
  });

  it('when some accounts were registered before the undo, then those are kept and named, and the codes of the removed ones stop working', async () => {
    const batch = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(3)) });
    const emails = await server.deliveredEmails();
    const registered = await register('educator1@partner-high.example.org', codeFor(emails, 'educator1@partner-high.example.org'));
    expect(registered.data.registerAccount, registered.text).to.deep.equal({ account: { status: 'ACTIVE' }, userErrors: [] });

    const preview = await server.graphql(
      'query($id: ID!) { uploadBatch(id: $id) { undoPreview { accountsToRemove accountsToKeep } } }',
      { id: batch.id },
      siteAdmin,
    );
    expect(preview.data.uploadBatch.undoPreview).to.deep.equal({ accountsToRemove: 2, accountsToKeep: 1 });

    const answer = await undo(siteAdmin, batch.id);

    expect(answer.data.undoUploadBatch.batch).to.deep.include({ status: 'UNDONE', recordsRemoved: 2, recordsKept: 1 });
    expect(answer.data.undoUploadBatch.keptAccounts).to.deep.equal([{ email: 'educator1@partner-high.example.org', firstName: 'First1', lastName: 'Last1' }]);
    expect(await accountsOf(batch.id)).to.equal(1);
    const refused = await register('educator2@partner-high.example.org', codeFor(emails, 'educator2@partner-high.example.org'));
    expect(refused.data.registerAccount.account, refused.text).to.equal(null);
    expect(refused.data.registerAccount.userErrors).to.have.length(1);
    expect(await countRows(server, "educator_account WHERE email_normalized = 'educator2@partner-high.example.org'")).to.equal(0);
  });

  it('when the same file is uploaded again after an undo, then the removed accounts are created again and invited', async () => {
    const content = csvFile(educatorRows(4));
    const first = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content });
    await undo(siteAdmin, first.id);

    const again = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content });

    expect(again).to.deep.include({ status: 'COMPLETED', recordsCreated: 4, recordsSkipped: 0, recordsFailed: 0 });
    expect(await accountsOf(again.id)).to.equal(4);
    expect(
      invitationsIn(await server.deliveredEmails())
        .map(recipientOf)
        .sort(),
    ).to.deep.equal(educatorRows(4).map((row) => row.email));
  });

  it('when a waiting upload is cancelled, then it becomes CANCELLED and creates nothing, and cannot be undone', async () => {
    const queued = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(8)) });

    const answer = await cancel(siteAdmin, queued.id);

    expect(answer.data.cancelUploadBatch.userErrors).to.deep.equal([]);
    expect(answer.data.cancelUploadBatch.batch).to.deep.include({ status: 'CANCELLED', recordsProcessed: 0, recordsCreated: 0 });
    expect(await server.processUploads()).to.equal(0);
    expect(await accountsOf(queued.id)).to.equal(0);
    expect(await countRows(server, 'upload_file_chunk')).to.equal(0);
    expect((await readBatch(server, siteAdmin, queued.id)).status).to.equal('CANCELLED');
    const refused = await undo(siteAdmin, queued.id);
    expect(refused.data.undoUploadBatch.userErrors.map((error: { code: string }) => error.code)).to.deep.equal(['NOT_UNDOABLE']);
    expect((await auditOf('UPLOAD_CANCELLED')).map((event) => event.outcome)).to.deep.equal(['SUCCEEDED']);
    expect((await auditOf('UPLOAD_UNDONE')).map((event) => event.outcome)).to.deep.equal(['NOT_UNDOABLE']);
  });

  it('when a running upload is cancelled between chunks, then it stops there, keeps what it created, and an undo removes exactly that', async () => {
    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const long = await uploadFile(server, districtAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(40)) });
    await uploadFile(server, districtAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: csvFile(educatorRows(3, 100)) });
    // The long batch lands one chunk, then gives the other site's batch its turn: it is PROCESSING, part way.
    expect(await server.application.uploadWorker.execute()).to.equal(1);
    expect((await readBatch(server, districtAdmin, long.id)).status).to.equal('PROCESSING');

    const answer = await cancel(siteAdmin, long.id);

    expect(answer.data.cancelUploadBatch.batch).to.deep.include({ status: 'CANCELLED', recordsProcessed: CHUNK_ROWS, recordsCreated: CHUNK_ROWS });
    // The worker that kept the run in memory never takes it up again.
    expect(await server.processUploads()).to.equal(0);
    expect(await accountsOf(long.id)).to.equal(CHUNK_ROWS);
    expect(await readBatch(server, districtAdmin, long.id)).to.deep.include({ status: 'CANCELLED', recordsProcessed: CHUNK_ROWS, recordsCreated: CHUNK_ROWS });

    const undone = await undo(districtAdmin, long.id);
    expect(undone.data.undoUploadBatch.batch).to.deep.include({ status: 'UNDONE', recordsRemoved: CHUNK_ROWS, recordsKept: 0 });
    expect(await accountsOf(long.id)).to.equal(0);
  });

  it('when a batch cannot be taken back in its status, then the answer is a userError a person understands, the batch is unchanged, and the refusal is audited', async () => {
    const done = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile([anEducatorRow(1)]) });
    const check = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile([anEducatorRow(2)]), dryRun: true });
    const running = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile([anEducatorRow(3)]) });

    const tooLate = await cancel(siteAdmin, done.id);
    const stillRunning = await undo(siteAdmin, running.id);
    const checkOnly = await undo(siteAdmin, check.id);
    await undo(siteAdmin, done.id);
    const twice = await undo(siteAdmin, done.id);

    expect(tooLate.data.cancelUploadBatch.userErrors).to.deep.equal([
      {
        code: 'NOT_CANCELLABLE',
        message: 'This upload has already finished, so it can no longer be cancelled. To remove the accounts it created, use "Undo upload".',
        field: ['batchId'],
      },
    ]);
    expect(tooLate.data.cancelUploadBatch.batch.status).to.equal('COMPLETED');
    expect(stillRunning.data.undoUploadBatch.userErrors[0]).to.deep.include({
      code: 'NOT_UNDOABLE',
      message: 'This upload is still running. Cancel it first, then undo it.',
    });
    expect(checkOnly.data.undoUploadBatch.userErrors[0].code).to.equal('NOT_UNDOABLE');
    expect(twice.data.undoUploadBatch.userErrors[0]).to.deep.include({ code: 'NOT_UNDOABLE', message: 'This upload was already undone.' });
    expect(await countRows(server, "upload_batch WHERE status = 'QUEUED'")).to.equal(1);
    expect((await auditOf('UPLOAD_UNDONE')).map((event) => event.outcome)).to.deep.equal(['NOT_UNDOABLE', 'NOT_UNDOABLE', 'SUCCEEDED', 'NOT_UNDOABLE']);
    expect((await auditOf('UPLOAD_CANCELLED')).map((event) => event.outcome)).to.deep.equal(['NOT_CANCELLABLE']);
  });

  it("when an admin outside the batch's site tries to take it back, or the id names no batch, then it is FORBIDDEN and nothing changes", async () => {
    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const middle = await uploadAndProcess(server, districtAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: csvFile(educatorRows(2, 50)) });

    const undoAnswer = await undo(siteAdmin, middle.id);
    const cancelAnswer = await cancel(siteAdmin, middle.id);
    const garbage = await undo(siteAdmin, 'not-a-batch');

    for (const answer of [undoAnswer, cancelAnswer, garbage]) {
      expect((answer.errors ?? []).map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
    }
    expect(await accountsOf(middle.id)).to.equal(2);
    expect((await readBatch(server, districtAdmin, middle.id)).status).to.equal('COMPLETED');
    expect((await auditOf('UPLOAD_UNDONE')).map((event) => event.outcome)).to.deep.equal(['FORBIDDEN', 'FORBIDDEN']);
  });
});
