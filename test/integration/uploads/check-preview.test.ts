import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { anEducatorRow, csvFile, parseCsv } from '../../support/csv-fixtures';
import {
  PARTNER_HIGH,
  countRows,
  createOtherDistrict,
  createdEmails,
  download,
  invitationsIn,
  readBatch,
  recipientOf,
  siteIdsByName,
  uploadAndProcess,
  mixedFile,
} from './upload-kit';

const CREATE = `mutation($input: CreateAccountsFromCheckInput!) {
  createAccountsFromCheck(input: $input) { batch { id status dryRun checkBatchId rowsCorrected } userErrors { code message field } }
}`;
const CORRECT = `mutation($input: CorrectUploadRowInput!) {
  correctUploadRow(input: $input) {
    batch { id rowsCorrected }
    failure { lineNumber code cells correction { lineNumber firstName lastName email userRole } }
    userErrors { code message field }
  }
}`;
const PREVIEW = `query($id: ID!) {
  uploadBatch(id: $id) {
    rowsCorrected createAccountsUntil createdAccountsBatchId checkBatchId
    corrections { lineNumber email userRole }
    failures(first: 50) { nodes { lineNumber code reason correction { email userRole } } }
  }
}`;

interface Created {
  batch: { id: string; status: string; dryRun: boolean; checkBatchId: string | null; rowsCorrected: number } | null;
  userErrors: { code: string; message: string; field: string[] | null }[];
}

describeOnEachDatabase('A check as a preview: correcting its rows, then creating its accounts', (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  let token: string;

  before(async () => {
    server = await startTestServer(database);
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
    token = await server.signIn(server.demo.siteAdminEmail);
  });

  const check = () => uploadAndProcess(server, token, { schoolSiteId: sites[PARTNER_HIGH], content: mixedFile(), dryRun: true, fileName: 'staff.csv' });
  const createFrom = async (batchId: string, as = token): Promise<Created> => {
    const response = await server.graphql<{ createAccountsFromCheck: Created }>(CREATE, { input: { batchId } }, as);
    expect(response.errors, response.text).to.equal(undefined);
    return response.data!.createAccountsFromCheck;
  };
  const correct = async (batchId: string, lineNumber: number, cells: Partial<Record<'firstName' | 'lastName' | 'email' | 'userRole', string>>) => {
    const input = {
      batchId,
      lineNumber,
      firstName: `First${lineNumber - 1}`,
      lastName: `Last${lineNumber - 1}`,
      email: `educator${lineNumber - 1}@partner-high.example.org`,
      userRole: 'Educator',
      ...cells,
    };
    const response = await server.graphql<{
      correctUploadRow: { failure: unknown; batch: { rowsCorrected: number } | null; userErrors: Created['userErrors'] };
    }>(CORRECT, { input }, token);
    expect(response.errors, response.text).to.equal(undefined);
    return response.data!.correctUploadRow;
  };
  const preview = async (batchId: string) => {
    const response = await server.graphql<{
      uploadBatch: Record<string, unknown> & { failures: { nodes: { lineNumber: number; code: string; reason: string; correction: unknown }[] } };
    }>(PREVIEW, { id: batchId }, token);
    expect(response.errors, response.text).to.equal(undefined);
    return response.data!.uploadBatch;
  };

  it('when a failing row is corrected and the accounts are created, then the stored file runs with the correction in place of its line, and nothing is uploaded again', async () => {
    const checked = await check();
    const corrected = await correct(checked.id, 6, { userRole: 'Counselor' });

    expect(corrected.userErrors).to.deep.equal([]);
    expect(corrected.batch?.rowsCorrected).to.equal(1);
    expect(corrected.failure).to.deep.equal({
      lineNumber: 6,
      code: 'UNKNOWN_ROLE',
      cells: ['First5', 'Last5', 'educator5@partner-high.example.org', 'Principal'],
      correction: { lineNumber: 6, firstName: 'First5', lastName: 'Last5', email: 'educator5@partner-high.example.org', userRole: 'Counselor' },
    });
    const created = await createFrom(checked.id);
    expect(created.userErrors).to.deep.equal([]);
    expect(created.batch).to.deep.include({ status: 'QUEUED', dryRun: false, checkBatchId: checked.id, rowsCorrected: 1 });
    expect(await countRows(server, 'upload_file_chunk WHERE batch_id = ?', [server.application.publicIds.decode('batch', checked.id)])).to.equal(0);

    await server.processUploads();

    const run = await readBatch(server, token, created.batch!.id);
    expect(run).to.deep.include({ status: 'COMPLETED', fileName: 'staff.csv', recordsProcessed: 6, recordsCreated: 3, recordsSkipped: 1, recordsFailed: 2 });
    expect(run.failures.nodes.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal([
      [4, 'EMAIL_TAKEN'],
      [5, 'DUPLICATE_IN_FILE'],
    ]);
    expect(await createdEmails(server, sites[PARTNER_HIGH])).to.include('educator5@partner-high.example.org');
    const [role] = await server.application.dataSource.query("SELECT role_code FROM educator_account WHERE email = 'educator5@partner-high.example.org'");
    expect(role.role_code).to.equal('COUNSELOR');
    expect(
      invitationsIn(await server.deliveredEmails())
        .map(recipientOf)
        .sort(),
    ).to.deep.equal(['educator2@partner-high.example.org', 'educator5@partner-high.example.org', 'educator6@partner-high.example.org']);
    const runPreview = await preview(created.batch!.id);
    expect(runPreview.corrections).to.deep.equal([{ lineNumber: 6, email: 'educator5@partner-high.example.org', userRole: 'Counselor' }]);
    const checkAfter = await preview(checked.id);
    expect(checkAfter).to.deep.include({ createdAccountsBatchId: created.batch!.id, createAccountsUntil: null });
    expect((await correct(checked.id, 7, {})).userErrors.map((error) => error.code)).to.deep.equal(['CHECK_ALREADY_USED']);
  });

  it('when "Create accounts" is asked again, then it answers the upload it already queued and creates nothing twice', async () => {
    const checked = await check();
    const [first, second] = await Promise.all([createFrom(checked.id), createFrom(checked.id)]);

    expect(second.batch?.id).to.equal(first.batch?.id);
    expect(await countRows(server, 'upload_batch WHERE dry_run = 0')).to.equal(1);
    await server.processUploads();
    expect((await createFrom(checked.id)).batch).to.deep.include({ id: first.batch!.id, status: 'COMPLETED' });
    expect(await countRows(server, 'educator_account')).to.equal(4);
  });

  it('when accounts were created by hand after the check, then the run skips them: its results are the database as it is then', async () => {
    const checked = await check();
    expect(checked.recordsCreated).to.equal(2);
    const again = await uploadAndProcess(server, token, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile([anEducatorRow(6)]) });
    expect(again.recordsCreated).to.equal(1);

    const created = await createFrom(checked.id);
    await server.processUploads();

    expect(await readBatch(server, token, created.batch!.id)).to.deep.include({ recordsCreated: 1, recordsSkipped: 2, recordsFailed: 3 });
  });

  it('when a correction breaks a row rule, takes an email used elsewhere, or names a line that did not fail, then it is refused with the field to change', async () => {
    const checked = await check();

    const refusals = [
      await correct(checked.id, 6, { email: 'not an email' }),
      await correct(checked.id, 6, { userRole: 'District Admin' }),
      await correct(checked.id, 6, { firstName: ' ' }),
      await correct(checked.id, 4, { email: 'district.admin@demo-usd.example.org' }),
      await correct(checked.id, 3, {}),
    ];

    expect(refusals.map((answer) => [answer.userErrors[0]?.code, answer.userErrors[0]?.field])).to.deep.equal([
      ['INVALID_EMAIL', ['email']],
      ['ROLE_NOT_ALLOWED_IN_BULK', ['userRole']],
      ['MISSING_FIELD', ['firstName']],
      ['EMAIL_TAKEN', ['email']],
      ['NOT_A_FAILED_ROW', ['lineNumber']],
    ]);
    expect(await countRows(server, 'upload_row_correction')).to.equal(0);
    expect((await preview(checked.id)).rowsCorrected).to.equal(0);
  });

  it('when a corrected row still fails in the run (a duplicate of another line), then its failure and the fix file say it was corrected in the page', async () => {
    const checked = await check();
    await correct(checked.id, 6, { email: 'educator2@partner-high.example.org' });
    await correct(checked.id, 6, { email: 'EDUCATOR2@partner-high.example.org', firstName: 'Twice' });
    expect((await preview(checked.id)).rowsCorrected).to.equal(1);
    const checkFix = parseCsv((await download(server, `/upload-batches/${checked.id}/failures.csv`, token)).text.replace(/^\uFEFF/, ''));
    expect(checkFix.find((row) => row[4] === '6')).to.deep.equal([
      'Twice',
      'Last5',
      'EDUCATOR2@partner-high.example.org',
      'Educator',
      '6',
      'Corrected in the page: these values replace the line when the accounts are created. The check had found: "Principal" is not a role. Use Educator, Counselor—Caseload Only, Counselor or Site Admin.',
    ]);

    const created = await createFrom(checked.id);
    await server.processUploads();

    const run = await readBatch(server, token, created.batch!.id);
    const line6 = run.failures.nodes.find((failure) => failure.lineNumber === 6)!;
    expect(line6.code).to.equal('DUPLICATE_IN_FILE');
    expect(line6.reason).to.match(/^Corrected in the page before creating\. This email is already on line 3 of the file/);
    const runFix = parseCsv((await download(server, `/upload-batches/${created.batch!.id}/failures.csv`, token)).text.replace(/^\uFEFF/, ''));
    expect(runFix.find((row) => row[4] === '6')?.slice(0, 3)).to.deep.equal(['Twice', 'Last5', 'EDUCATOR2@partner-high.example.org']);
  });

  it('when the upload was no check, or a check that was rejected, is still running, or is past the days its file is kept, then nothing is created from it', async () => {
    const real = await uploadAndProcess(server, token, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile([anEducatorRow(7)]) });
    const rejected = await uploadAndProcess(server, token, { schoolSiteId: sites[PARTNER_HIGH], content: 'Name\r\nAnn\r\n', dryRun: true });
    const running = await server.upload(token, { schoolSiteId: sites[PARTNER_HIGH], content: mixedFile(), dryRun: true, select: 'id' });
    const waitingId = running.data.uploadEducatorAccounts.batch.id as string;

    expect((await createFrom(real.id)).userErrors.map((error) => error.code)).to.deep.equal(['NOT_A_CHECK']);
    expect((await createFrom(rejected.id)).userErrors.map((error) => error.code)).to.deep.equal(['CHECK_NOT_USABLE']);
    expect((await createFrom(waitingId)).userErrors.map((error) => error.code)).to.deep.equal(['CHECK_NOT_FINISHED']);
    await server.processUploads();
    server.clock.advanceDays(8);
    token = await server.signIn(server.demo.siteAdminEmail);
    expect((await createFrom(waitingId)).userErrors.map((error) => error.code)).to.deep.equal(['CHECK_EXPIRED']);
    expect((await correct(waitingId, 6, {})).userErrors.map((error) => error.code)).to.deep.equal(['CHECK_EXPIRED']);
    expect(await countRows(server, 'upload_batch WHERE dry_run = 0')).to.equal(1);
  });

  it('when the days a check is kept have passed, then the cleanup drops its stored file, and keeps the file of a check still in time', async () => {
    const old = await check();
    server.clock.advanceDays(6);
    token = await server.signIn(server.demo.siteAdminEmail);
    const recent = await check();
    server.clock.advanceDays(2);

    expect(await server.application.uploadPersistence.checkFollowUps.discardExpiredChecks(new Date(server.clock.now().getTime() - 7 * 86_400_000))).to.equal(1);

    const chunksOf = (id: string) => countRows(server, 'upload_file_chunk WHERE batch_id = ?', [server.application.publicIds.decode('batch', id)]);
    expect(await chunksOf(old.id)).to.equal(0);
    expect(await chunksOf(recent.id)).to.be.greaterThan(0);
  });

  it("when an admin of another district names the check, then it is FORBIDDEN and the check stays as it was; the site's District Admin may create its accounts", async () => {
    const checked = await check();
    const other = await createOtherDistrict(server);
    const outsider = await server.signIn(other.adminEmail);

    const refused = await server.graphql(CREATE, { input: { batchId: checked.id } }, outsider);
    const refusedCorrection = await server.graphql(
      CORRECT,
      { input: { batchId: checked.id, lineNumber: 6, firstName: 'A', lastName: 'B', email: 'a@b.org', userRole: 'Educator' } },
      outsider,
    );

    expect(refused.errors?.[0].extensions?.code).to.equal('FORBIDDEN');
    expect(refusedCorrection.errors?.[0].extensions?.code).to.equal('FORBIDDEN');
    expect(await preview(checked.id)).to.deep.include({ rowsCorrected: 0, createdAccountsBatchId: null });
    const byDistrictAdmin = await createFrom(checked.id, await server.signIn(server.demo.districtAdminEmail));
    expect(byDistrictAdmin.userErrors).to.deep.equal([]);
    expect(byDistrictAdmin.batch?.checkBatchId).to.equal(checked.id);
  });
});
