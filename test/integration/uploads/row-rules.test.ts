import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { anEducatorRow, csvFile, type Cells, type EducatorRow } from '../../support/csv-fixtures';
import { MIDDLE_SCHOOL, PARTNER_HIGH, countRows, createdEmails, invitationsIn, recipientOf, siteIdsByName, uploadAndProcess, type Batch } from './upload-kit';
import { COLLIDING_EMAILS } from '../../support/old-fingerprint';

const CREATE_ACCOUNT = `mutation($input: CreateEducatorAccountInput!) {
  createEducatorAccount(input: $input) { account { id email status } warnings { code } userErrors { code message } }
}`;

describeOnEachDatabase('Uploading the template: one rule per row', (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  let siteAdmin: string;

  before(async () => {
    server = await startTestServer(database);
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
  });

  const upload = (rows: (EducatorRow | Cells)[], token = siteAdmin, schoolSiteId = sites[PARTNER_HIGH]): Promise<Batch> =>
    uploadAndProcess(server, token, { schoolSiteId, content: csvFile(rows), fileName: 'rules.csv' });

  const failureSummary = (batch: Batch) => batch.failures.nodes.map(({ lineNumber, code, reason }) => ({ lineNumber, code, reason }));

  const createByHand = async (token: string, email: string, schoolSiteId: string, roleCode = 'EDUCATOR') => {
    const response = await server.graphql(
      CREATE_ACCOUNT,
      { input: { firstName: 'By', lastName: 'Hand', email, roleCode, schoolSiteIds: [schoolSiteId], agreementAccepted: true } },
      token,
    );
    expect(response.data?.createEducatorAccount?.userErrors, response.text).to.deep.equal([]);
    return response.data.createEducatorAccount.account as { id: string; email: string; status: string };
  };

  const statusesAt = async (token: string, schoolSiteId: string): Promise<Record<string, string>> => {
    const response = await server.graphql(
      'query($site: ID!) { educatorAccounts(schoolSiteId: $site, first: 100) { nodes { email status role { code } } } }',
      { site: schoolSiteId },
      token,
    );
    expect(response.errors, response.text).to.equal(undefined);
    return Object.fromEntries(response.data.educatorAccounts.nodes.map((account: { email: string; status: string }) => [account.email, account.status]));
  };

  it('when cells are empty, then the row fails as MISSING_FIELD naming exactly the empty columns', async () => {
    const batch = await upload([anEducatorRow(1), ['Ann', '', '  ', 'Educator'], ['', 'Lee', 'lee@partner-high.example.org', '']]);

    expect(batch).to.deep.include({ status: 'COMPLETED', recordsProcessed: 3, recordsCreated: 1, recordsFailed: 2 });
    expect(failureSummary(batch)).to.deep.equal([
      { lineNumber: 3, code: 'MISSING_FIELD', reason: 'Missing Last Name, Email: every column must be filled in.' },
      { lineNumber: 4, code: 'MISSING_FIELD', reason: 'Missing First Name, User Role: every column must be filled in.' },
    ]);
    expect(batch.failures.nodes[0].message).to.equal('Educator with email (no email) - not imported');
    expect(batch.failures.nodes[0].email).to.equal(null);
  });

  it('when an email is not an address, then the row fails as INVALID_EMAIL quoting it', async () => {
    const batch = await upload([anEducatorRow(1, { email: 'not-an-email' }), anEducatorRow(2, { email: 'two@@partner-high.example.org' }), anEducatorRow(3)]);

    expect(batch).to.deep.include({ recordsProcessed: 3, recordsCreated: 1, recordsFailed: 2 });
    expect(failureSummary(batch)).to.deep.equal([
      { lineNumber: 2, code: 'INVALID_EMAIL', reason: '"not-an-email" is not a valid email address.' },
      { lineNumber: 3, code: 'INVALID_EMAIL', reason: '"two@@partner-high.example.org" is not a valid email address.' },
    ]);
    expect(batch.failures.nodes[0].message).to.equal('Educator with email not-an-email - not imported');
  });

  it('when a name is over 100 characters or holds a control character, then the row fails as INVALID_NAME; exactly 100 characters and full Unicode are created', async () => {
    const batch = await upload([
      anEducatorRow(1, { firstName: 'A'.repeat(101) }),
      anEducatorRow(2, { lastName: 'Bell\u0007Ringer' }),
      anEducatorRow(3, { firstName: 'B'.repeat(100) }),
      anEducatorRow(4, { firstName: 'Zoë 😀', lastName: 'Núñez-Ødegård 李' }),
    ]);

    expect(batch).to.deep.include({ recordsProcessed: 4, recordsCreated: 2, recordsFailed: 2 });
    expect(failureSummary(batch)).to.deep.equal([
      { lineNumber: 2, code: 'INVALID_NAME', reason: 'First Name is longer than 100 characters.' },
      { lineNumber: 3, code: 'INVALID_NAME', reason: 'Last Name contains a control character (such as a tab or line break).' },
    ]);
    const [stored] = await server.application.dataSource.query('SELECT first_name, last_name FROM educator_account WHERE email_normalized = ?', [
      anEducatorRow(4).email,
    ]);
    expect(stored).to.deep.equal({ first_name: 'Zoë 😀', last_name: 'Núñez-Ødegård 李' });
  });

  it('when a name carries a web address, an email address or a quoted line break, or an email hides a zero-width space, then the row fails with the reason and gets no invitation', async () => {
    const batch = await upload([
      anEducatorRow(1, { firstName: 'Your account is locked, verify at https://evil.example/login' }),
      anEducatorRow(2, { lastName: 'evil.example/reset' }),
      anEducatorRow(3, { firstName: 'Write to help@evil.example' }),
      anEducatorRow(4, { firstName: 'Ana\r\nClick below' }),
      anEducatorRow(5, { email: '\u200Bzero@partner-high.example.org' }),
      anEducatorRow(6, { firstName: "D'Angelo Jr.", lastName: 'Núñez-Smith 👩‍💻' }),
    ]);

    expect(batch).to.deep.include({ status: 'COMPLETED', recordsProcessed: 6, recordsCreated: 1, recordsFailed: 5 });
    expect(failureSummary(batch)).to.deep.equal([
      { lineNumber: 2, code: 'INVALID_NAME', reason: 'First Name may not contain a web or email address ("https://evil.example/login").' },
      { lineNumber: 3, code: 'INVALID_NAME', reason: 'Last Name may not contain a web or email address ("evil.example/reset").' },
      { lineNumber: 4, code: 'INVALID_NAME', reason: 'First Name may not contain a web or email address ("help@evil.example").' },
      { lineNumber: 5, code: 'INVALID_NAME', reason: 'First Name contains a control character (such as a tab or line break).' },
      {
        // The quoted line break above makes the record one physical line longer.
        lineNumber: 7,
        code: 'INVALID_EMAIL',
        reason: 'The email contains an invisible character (U+200B), often pasted along with an address. Type the address again.',
      },
    ]);
    expect(await createdEmails(server, sites[PARTNER_HIGH])).to.deep.equal([anEducatorRow(6).email]);
    const invited = invitationsIn(await server.deliveredEmails()).map(recipientOf);
    expect(invited).to.deep.equal([anEducatorRow(6).email]);
  });

  it('when a row has fewer or more cells than the template, then it fails as WRONG_COLUMN_COUNT', async () => {
    const batch = await upload([
      ['Ann', 'Lee', 'ann@partner-high.example.org'],
      ['Bob', 'Ray', 'bob@partner-high.example.org', 'Educator', 'Room 12'],
      anEducatorRow(3),
    ]);

    expect(batch).to.deep.include({ recordsProcessed: 3, recordsCreated: 1, recordsFailed: 2 });
    expect(failureSummary(batch)).to.deep.equal([
      {
        lineNumber: 2,
        code: 'WRONG_COLUMN_COUNT',
        reason: 'This row has 3 cells but the template has 4 (First Name, Last Name, Email, User Role). Check for extra commas or a missing value.',
      },
      {
        lineNumber: 3,
        code: 'WRONG_COLUMN_COUNT',
        reason: 'This row has 5 cells but the template has 4 (First Name, Last Name, Email, User Role). Check for extra commas or a missing value.',
      },
    ]);
  });

  it('when the role is not one of ours, then the row fails as UNKNOWN_ROLE naming the roles to use', async () => {
    const batch = await upload([anEducatorRow(1, { role: 'Teacher' }), anEducatorRow(2)]);

    expect(failureSummary(batch)).to.deep.equal([
      { lineNumber: 2, code: 'UNKNOWN_ROLE', reason: '"Teacher" is not a role. Use Educator, Counselor—Caseload Only, Counselor or Site Admin.' },
    ]);
    expect(batch.failures.nodes[0].message).to.equal('Teacher with email educator1@partner-high.example.org - not imported');
    expect(batch.failures.nodes[0].type).to.equal('Teacher');
  });

  it('when role names differ in case, spaces and dashes, then each still names its role', async () => {
    const written: [string, string][] = [
      ['counselor - caseload only', 'COUNSELOR_CASELOAD_ONLY'],
      ['Counselor – Caseload Only', 'COUNSELOR_CASELOAD_ONLY'],
      ['Counselor—Caseload Only', 'COUNSELOR_CASELOAD_ONLY'],
      ['  COUNSELOR  —  caseload   only ', 'COUNSELOR_CASELOAD_ONLY'],
      ['counselor', 'COUNSELOR'],
      ['  EDUCATOR ', 'EDUCATOR'],
      ['site   admin', 'SITE_ADMIN'],
    ];
    const batch = await upload(written.map(([role], index) => anEducatorRow(index + 1, { role })));

    expect(batch).to.deep.include({ status: 'COMPLETED', recordsProcessed: 7, recordsCreated: 7, recordsFailed: 0 });
    const rows: { email_normalized: string; role_code: string }[] = await server.application.dataSource.query(
      'SELECT email_normalized, role_code FROM educator_account WHERE source_batch_id IS NOT NULL ORDER BY email_normalized',
    );
    expect(rows.map((row) => [row.email_normalized, row.role_code])).to.deep.equal(
      written.map(([, code], index) => [anEducatorRow(index + 1).email, code]).sort(),
    );
  });

  it('when a row asks for District Admin or Multi-Site Counselor, then it fails as ROLE_NOT_ALLOWED_IN_BULK, even for a District Admin', async () => {
    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const batch = await upload(
      [anEducatorRow(1, { role: 'District Admin' }), anEducatorRow(2, { role: 'multi-site counselor' }), anEducatorRow(3)],
      districtAdmin,
    );

    expect(batch).to.deep.include({ recordsProcessed: 3, recordsCreated: 1, recordsFailed: 2 });
    expect(failureSummary(batch)).to.deep.equal([
      { lineNumber: 2, code: 'ROLE_NOT_ALLOWED_IN_BULK', reason: 'District Admin accounts cannot be created from a file; create them one at a time.' },
      { lineNumber: 3, code: 'ROLE_NOT_ALLOWED_IN_BULK', reason: 'Multi-Site Counselor accounts cannot be created from a file; create them one at a time.' },
    ]);
    expect(batch.failures.nodes.map((failure) => failure.message)).to.deep.equal([
      'District Admin with email educator1@partner-high.example.org - not imported',
      'multi-site counselor with email educator2@partner-high.example.org - not imported',
    ]);
  });

  // ROLE_NOT_ALLOWED cannot arise from a file: a Site Admin may grant every bulk-creatable role, a District
  // Admin every role, and nobody else may upload. So the Site Admin's full grant is what is asserted.
  it('when a Site Admin uploads all four bulk roles, then all four are created at their site', async () => {
    const batch = await upload([
      anEducatorRow(1, { role: 'Educator' }),
      anEducatorRow(2, { role: 'Counselor—Caseload Only' }),
      anEducatorRow(3, { role: 'Counselor' }),
      anEducatorRow(4, { role: 'Site Admin' }),
    ]);

    expect(batch).to.deep.include({ status: 'COMPLETED', recordsProcessed: 4, recordsCreated: 4, recordsFailed: 0 });
    const rows: { role_code: string; school_site_id: number }[] = await server.application.dataSource.query(
      `SELECT a.role_code, m.school_site_id FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id
       WHERE a.source_batch_id IS NOT NULL ORDER BY a.email_normalized`,
    );
    const partnerHigh = server.application.publicIds.decode('site', sites[PARTNER_HIGH]);
    expect(rows).to.deep.equal(
      ['EDUCATOR', 'COUNSELOR_CASELOAD_ONLY', 'COUNSELOR', 'SITE_ADMIN'].map((role_code) => ({ role_code, school_site_id: partnerHigh })),
    );
  });

  it('when an email repeats in the file in another case, then the later rows fail as DUPLICATE_IN_FILE naming the first line', async () => {
    const batch = await upload([
      anEducatorRow(1, { email: 'Same.Person@partner-high.example.org' }),
      anEducatorRow(2),
      anEducatorRow(3, { email: 'same.person@PARTNER-HIGH.example.org' }),
      anEducatorRow(4, { email: ' SAME.PERSON@partner-high.example.org ' }),
    ]);

    expect(batch).to.deep.include({ recordsProcessed: 4, recordsCreated: 2, recordsFailed: 2 });
    expect(batch.failures.nodes.map(({ lineNumber, code }) => ({ lineNumber, code }))).to.deep.equal([
      { lineNumber: 4, code: 'DUPLICATE_IN_FILE' },
      { lineNumber: 5, code: 'DUPLICATE_IN_FILE' },
    ]);
    for (const failure of batch.failures.nodes)
      expect(failure.reason)
        .to.match(/\bline 2\b/)
        .and.match(/only the first row/);
    expect(await createdEmails(server, sites[PARTNER_HIGH])).to.deep.equal(
      ['educator2@partner-high.example.org', 'Same.Person@partner-high.example.org'].sort(),
    );
  });

  it('when two different emails shared the 64-bit fingerprint duplicate detection used to keep, then both are created and neither is a duplicate', async () => {
    const batch = await upload([anEducatorRow(1, { email: COLLIDING_EMAILS[0] }), anEducatorRow(2, { email: COLLIDING_EMAILS[1] })]);

    expect(batch).to.deep.include({ recordsProcessed: 2, recordsCreated: 2, recordsFailed: 0 });
    expect(await createdEmails(server, sites[PARTNER_HIGH])).to.deep.equal([...COLLIDING_EMAILS].sort());
  });

  it('when an email belongs to an account at another site or of another kind, then the row fails as EMAIL_TAKEN, whatever its case', async () => {
    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    await createByHand(districtAdmin, 'middle.teacher@demo-usd.example.org', sites[MIDDLE_SCHOOL]);

    const batch = await upload([
      anEducatorRow(1, { email: 'MIDDLE.Teacher@demo-usd.example.org' }),
      anEducatorRow(2, { email: 'District.Admin@demo-usd.example.org' }),
      anEducatorRow(3),
    ]);

    expect(batch).to.deep.include({ recordsProcessed: 3, recordsCreated: 1, recordsSkipped: 0, recordsFailed: 2 });
    expect(failureSummary(batch)).to.deep.equal([
      { lineNumber: 2, code: 'EMAIL_TAKEN', reason: 'Email has already been taken' },
      { lineNumber: 3, code: 'EMAIL_TAKEN', reason: 'Email has already been taken' },
    ]);
    expect(await countRows(server, 'educator_account')).to.equal(4);
  });

  it('when an email belongs to an account created by hand at this same site, then the row is skipped, not failed and not duplicated', async () => {
    await createByHand(siteAdmin, 'by.hand@partner-high.example.org', sites[PARTNER_HIGH]);

    const batch = await upload([anEducatorRow(1, { email: 'By.Hand@partner-high.example.org' }), anEducatorRow(2)]);

    expect(batch).to.deep.include({ recordsProcessed: 2, recordsCreated: 1, recordsSkipped: 1, recordsFailed: 0 });
    expect(await countRows(server, 'educator_account WHERE email_normalized = ?', ['by.hand@partner-high.example.org'])).to.equal(1);
  });

  it('when an account expired unregistered and its email is uploaded, then it is created again with a new deadline and a new invitation', async () => {
    const original = await createByHand(siteAdmin, 'late.registrant@partner-high.example.org', sites[PARTNER_HIGH]);
    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    await createByHand(districtAdmin, 'late.elsewhere@demo-usd.example.org', sites[MIDDLE_SCHOOL]);
    await server.deliveredEmails();
    server.clock.advanceDays(61);
    const token = await server.signIn(server.demo.siteAdminEmail);
    expect((await statusesAt(token, sites[PARTNER_HIGH]))['late.registrant@partner-high.example.org']).to.equal('EXPIRED');

    const batch = await upload(
      [anEducatorRow(1, { email: 'late.registrant@partner-high.example.org' }), anEducatorRow(2, { email: 'late.elsewhere@demo-usd.example.org' })],
      token,
    );

    expect(batch).to.deep.include({ status: 'COMPLETED', recordsProcessed: 2, recordsCreated: 2, recordsSkipped: 0, recordsFailed: 0 });
    expect(await statusesAt(token, sites[PARTNER_HIGH])).to.deep.include({
      'late.registrant@partner-high.example.org': 'PENDING_REGISTRATION',
      'late.elsewhere@demo-usd.example.org': 'PENDING_REGISTRATION',
    });
    // Re-created in place: still one account per email, now belonging to this site only.
    const rows: { id: number; school_site_id: number; registration_deadline: number }[] = await server.application.dataSource.query(
      `SELECT a.id, m.school_site_id, a.registration_deadline FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id
       WHERE a.email_normalized IN ('late.registrant@partner-high.example.org', 'late.elsewhere@demo-usd.example.org') ORDER BY a.email_normalized`,
    );
    const partnerHigh = server.application.publicIds.decode('site', sites[PARTNER_HIGH]);
    expect(rows.map((row) => row.school_site_id)).to.deep.equal([partnerHigh, partnerHigh]);
    expect(rows[1].id).to.equal(server.application.publicIds.decode('account', original.id));
    for (const row of rows) expect(Number(row.registration_deadline)).to.be.greaterThan(server.clock.now().getTime() + 59 * 24 * 3600 * 1000);
    const invitations = invitationsIn(await server.deliveredEmails())
      .map(recipientOf)
      .sort();
    expect(invitations).to.deep.equal(['late.elsewhere@demo-usd.example.org', 'late.registrant@partner-high.example.org']);
  });

  it('when a file takes the site past two Site Admins, then the accounts are created and the batch carries SITE_ADMIN_RECOMMENDATION', async () => {
    const batch = await upload([anEducatorRow(1, { role: 'Site Admin' }), anEducatorRow(2), anEducatorRow(3, { role: 'Site Admin' })]);

    expect(batch).to.deep.include({ status: 'COMPLETED', recordsCreated: 3, recordsFailed: 0 });
    expect(batch.warnings).to.deep.equal([
      { code: 'SITE_ADMIN_RECOMMENDATION', message: 'Demo Partner High now has 3 Site Admins. We recommend 1–2 Site Admins per site.' },
    ]);
    expect(await countRows(server, "educator_account WHERE role_code = 'SITE_ADMIN'")).to.equal(3);
  });

  it('when a file brings the site to exactly two Site Admins, then there is no warning', async () => {
    const batch = await upload([anEducatorRow(1, { role: 'Site Admin' }), anEducatorRow(2)]);

    expect(batch).to.deep.include({ status: 'COMPLETED', recordsCreated: 2 });
    expect(batch.warnings).to.deep.equal([]);
  });
});
