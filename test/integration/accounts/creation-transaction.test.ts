import { expect } from 'chai';
import type { AccountCreation } from '../../../src/application/ports/unit-of-work';
import { INVITATION_SUBJECT } from '../../../src/domain/educator/invitation';
import type { SchoolSite } from '../../../src/domain/school/school-site';
import {
  AgreementAcceptanceRecord,
  EducatorAccountRecord,
  EducatorAccountSiteRecord,
  OutboxMessageRecord,
  SchoolSiteRecord,
} from '../../../src/infrastructure/persistence/records/records';
import { SqlUnitOfWork } from '../../../src/infrastructure/persistence/sql-unit-of-work';
import { anEducator } from '../../support/builders';
import { describeOnEachDatabase } from '../../support/databases';
import { rejectionOf } from '../../support/fakes';
import { RecordingStatementBatches } from '../../support/recording-statement-batches';
import { startTestServer, type TestServer } from '../../support/test-server';

const NOW = new Date('2026-09-01T08:00:00.000Z');

describeOnEachDatabase("A single creation's transaction", (database) => {
  let server: TestServer;
  let unitOfWork: SqlUnitOfWork;
  let statementBatches: RecordingStatementBatches;
  let site: SchoolSite;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    statementBatches = new RecordingStatementBatches(server.application.dataSource);
    unitOfWork = new SqlUnitOfWork(server.application.dataSource, statementBatches);
    const row = await repository(SchoolSiteRecord).findOneByOrFail({ name: 'Demo Partner High' });
    site = { id: row.id, name: row.name, districtId: row.districtId, externalId: null };
  });
  afterEach(async () => {
    await unitOfWork.close();
  });
  after(async () => {
    await server?.close();
  });

  /** MySQL: how many new accounts each query sent on the statement-batch connections inserted. */
  const accountsPerQuery = () =>
    statementBatches.queries.map((query) => query.filter((statement) => statement.sql.startsWith('INSERT INTO educator_account ')).length);

  const repository = <T extends object>(record: new () => T) => server.application.dataSource.getRepository(record);

  const creationFor = (email: string, roleCode: 'EDUCATOR' | 'SITE_ADMIN' = 'EDUCATOR'): AccountCreation => ({
    account: anEducator().withEmail(email).withRole(roleCode, [site]).createdAt(NOW).pending().build(),
    acceptance: { acceptedByAccountId: 7, agreement: 'SINGLE_ACCOUNT_CREATION', version: '2026-01', acceptedAt: NOW },
    invitation: { to: email, placeName: site.name },
    countSiteAdminsOf: roleCode === 'SITE_ADMIN' ? site.id : null,
  });

  /** Everything a creation writes, for the accounts created here (the demo district's own are left out). */
  const writtenFor = async (emails: string[]) => {
    const accounts = (await repository(EducatorAccountRecord).find({ order: { id: 'ASC' } })).filter((account) => emails.includes(account.emailNormalized));
    const ids = accounts.map((account) => account.id);
    return {
      accounts: accounts.map((account) => account.emailNormalized),
      memberships: (await repository(EducatorAccountSiteRecord).find())
        .filter((row) => ids.includes(row.accountId))
        .map((row) => [row.accountId, row.schoolSiteId]),
      agreements: (await repository(AgreementAcceptanceRecord).find()).filter((row) => ids.includes(row.subjectAccountId!)).map((row) => row.subjectAccountId),
      invitations: (await repository(OutboxMessageRecord).find()).filter((row) => ids.includes(row.accountId!)).map((row) => row.accountId),
      ids,
    };
  };

  it('when a new email is written, then the account, its membership, its agreement and its invitation are stored, all naming its id', async () => {
    const written = await unitOfWork.writeCreation(creationFor('new.one@example.org'));

    expect(written.ok && written.value.activeSiteAdmins).to.equal(null);
    const id = written.ok ? written.value.accountId : -1;
    const rows = await writtenFor(['new.one@example.org']);
    expect(rows).to.deep.equal({ accounts: ['new.one@example.org'], memberships: [[id, site.id]], agreements: [id], invitations: [id], ids: [id] });
    const [agreement] = await repository(AgreementAcceptanceRecord).findBy({ subjectAccountId: id });
    expect(agreement).to.include({
      acceptedByAccountId: 7,
      agreement: 'SINGLE_ACCOUNT_CREATION',
      version: '2026-01',
      acceptedAt: NOW.getTime(),
      uploadBatchId: null,
    });
    const [invitation] = await repository(OutboxMessageRecord).findBy({ accountId: id });
    expect(invitation).to.include({
      recipient: 'new.one@example.org',
      template: 'invitation',
      subject: INVITATION_SUBJECT,
      body: JSON.stringify({ placeName: 'Demo Partner High' }),
      status: 'PENDING',
      attempts: 0,
      createdAt: NOW.getTime(),
      nextAttemptAt: NOW.getTime(),
    });
  });

  it('when a Site Admin is written, then the count of active Site Admins of the site includes them', async () => {
    const before = await unitOfWork.writeCreation(creationFor('admin.two@example.org', 'SITE_ADMIN'));
    const after = await unitOfWork.writeCreation(creationFor('admin.three@example.org', 'SITE_ADMIN'));

    // The demo site has one Site Admin of its own.
    expect([before.ok && before.value.activeSiteAdmins, after.ok && after.value.activeSiteAdmins]).to.deep.equal([2, 3]);
  });

  it('when the email is in use, in another case, then EMAIL_TAKEN and nothing of the second creation is written', async () => {
    await unitOfWork.writeCreation(creationFor('taken@example.org'));

    const second = await unitOfWork.writeCreation(creationFor('TAKEN@example.org'));

    expect(second.ok ? 'written' : second.error.code).to.equal('EMAIL_TAKEN');
    const rows = await writtenFor(['taken@example.org']);
    expect([rows.accounts.length, rows.memberships.length, rows.agreements.length, rows.invitations.length]).to.deep.equal([1, 1, 1, 1]);
  });

  it('when a statement after the account was inserted fails, then nothing of that creation stays, and the next creation commits only its own rows', async () => {
    const broken = creationFor('broken@example.org');
    // A NOT NULL column left empty: the agreement's INSERT fails after the account's and its membership's succeeded.
    const failure = await rejectionOf(unitOfWork.writeCreation({ ...broken, acceptance: { ...broken.acceptance, version: null as unknown as string } }));

    const next = await unitOfWork.writeCreation(creationFor('next@example.org'));

    expect(failure).to.be.instanceOf(Error);
    expect(next.ok).to.equal(true);
    const rows = await writtenFor(['broken@example.org', 'next@example.org']);
    expect(rows.accounts).to.deep.equal(['next@example.org']);
    expect(rows.memberships).to.deep.equal([[rows.ids[0], site.id]]);
    expect(await repository(AgreementAcceptanceRecord).count()).to.equal(1);
    expect(await repository(OutboxMessageRecord).countBy({ recipient: 'broken@example.org' })).to.equal(0);
  });

  it('when an expired account is written over, then its row keeps its id, its memberships are replaced and a second agreement and invitation name it', async () => {
    const first = await unitOfWork.writeCreation(creationFor('again@example.org'));
    const id = first.ok ? first.value.accountId : -1;
    const otherSite = await repository(SchoolSiteRecord).findOneByOrFail({ name: 'Demo Middle School' });
    const later = new Date(NOW.getTime() + 61 * 24 * 3600 * 1000);
    const replacement = anEducator()
      .withId(id)
      .withEmail('again@example.org')
      .withRole('COUNSELOR', [{ id: otherSite.id, name: otherSite.name, districtId: otherSite.districtId, externalId: null }])
      .createdAt(later)
      .pending()
      .build();

    const again = await unitOfWork.writeCreation({ ...creationFor('again@example.org'), account: replacement });

    expect(again.ok && again.value.accountId).to.equal(id);
    const rows = await writtenFor(['again@example.org']);
    expect(rows).to.deep.equal({ accounts: ['again@example.org'], memberships: [[id, otherSite.id]], agreements: [id, id], invitations: [id, id], ids: [id] });
    expect((await repository(EducatorAccountRecord).findOneByOrFail({ id })).roleCode).to.equal('COUNSELOR');
  });
  it('when creations arrive together, then each caller gets the id of its own account, and every row of each names that account', async () => {
    const emails = ['one@example.org', 'two@example.org', 'three@example.org', 'four@example.org', 'five@example.org', 'six@example.org'];
    const roles = ['EDUCATOR', 'EDUCATOR', 'SITE_ADMIN', 'EDUCATOR', 'SITE_ADMIN', 'EDUCATOR'] as const;

    const written = await Promise.all(emails.map((email, index) => unitOfWork.writeCreation(creationFor(email, roles[index]))));

    const ids = written.map((result) => (result.ok ? result.value.accountId : -1));
    const byId = new Map((await repository(EducatorAccountRecord).find()).map((account) => [account.id, account.emailNormalized]));
    expect(ids.map((id) => byId.get(id))).to.deep.equal(emails);
    const rows = await writtenFor(emails);
    const sorted = [...ids].sort((a, b) => a - b);
    expect(rows).to.deep.equal({
      accounts: emails.slice().sort((a, b) => ids[emails.indexOf(a)] - ids[emails.indexOf(b)]),
      memberships: sorted.map((id) => [id, site.id]),
      agreements: sorted,
      invitations: sorted,
      ids: sorted,
    });
    const invitations = await repository(OutboxMessageRecord).find();
    expect(ids.map((id) => invitations.find((invitation) => invitation.accountId === id)?.recipient)).to.deep.equal(emails);
    // The demo site has one Site Admin of its own; the two created here are counted in the order they were written.
    expect(written.map((result) => result.ok && result.value.activeSiteAdmins).filter((count) => count !== null)).to.deep.equal([2, 3]);
  });

  it('when one of the creations that arrive together has a taken email and two carry the same new one, then only those are refused and the rest are written', async () => {
    await unitOfWork.writeCreation(creationFor('taken@example.org'));
    statementBatches.queries = [];

    const emails = ['first@example.org', 'second@example.org', 'TAKEN@example.org', 'twice@example.org', 'Twice@example.org', 'last@example.org'];
    const written = await Promise.all(emails.map((email) => unitOfWork.writeCreation(creationFor(email))));

    const outcomes = written.map((result) => (result.ok ? 'written' : result.error.code));
    expect([outcomes[0], outcomes[1], outcomes[2], outcomes[5]]).to.deep.equal(['written', 'written', 'EMAIL_TAKEN', 'written']);
    // Which of the two spellings is written first is a race; exactly one of them is.
    expect([outcomes[3], outcomes[4]].sort()).to.deep.equal(['EMAIL_TAKEN', 'written']);
    const rows = await writtenFor(['first@example.org', 'second@example.org', 'taken@example.org', 'twice@example.org', 'last@example.org']);
    expect([rows.accounts.length, rows.memberships.length, rows.agreements.length, rows.invitations.length]).to.deep.equal([5, 5, 5, 5]);
    expect((await repository(OutboxMessageRecord).find()).filter((row) => row.recipient.toLowerCase() === 'twice@example.org')).to.have.length(1);
    if (database.label === 'MySQL') {
      // The first went alone; the five that waited went as one transaction, which the taken email rolled back; then each alone.
      expect(accountsPerQuery()).to.deep.equal([1, 5, 1, 1, 1, 1, 1]);
    }
  });

  it('when keyed creations arrive together, one with a taken email, one with a taken key, then only those are refused; each key names its own', async () => {
    const keyed = (email: string, key: string): AccountCreation => ({
      ...creationFor(email),
      idempotency: { ownerAccountId: 7, key, requestDigest: `digest of ${email}` },
    });
    await unitOfWork.writeCreation(keyed('taken@example.org', 'key-taken'));
    statementBatches.queries = [];

    const emails = ['first@example.org', 'TAKEN@example.org', 'second@example.org', 'third@example.org', 'last@example.org'];
    const keys = ['key-1', 'key-2', 'key-taken', 'key-3', 'key-4'];
    const written = await Promise.all(emails.map((email, index) => unitOfWork.writeCreation(keyed(email, keys[index]))));

    const outcomes = written.map((result) => (result.ok ? 'written' : result.error.code));
    // MySQL's grouped writes cannot tell which unique key a creation met: a held key is refused as EMAIL_TAKEN there.
    expect(outcomes).to.deep.equal(['written', 'EMAIL_TAKEN', database.label === 'MySQL' ? 'EMAIL_TAKEN' : 'IDEMPOTENCY_KEY_TAKEN', 'written', 'written']);
    const stored: { idempotency_key: string; educator_account_id: number }[] = await server.application.dataSource.query(
      'SELECT idempotency_key, educator_account_id FROM idempotency_key ORDER BY idempotency_key',
    );
    const idOf = async (email: string) => (await repository(EducatorAccountRecord).findOneByOrFail({ emailNormalized: email })).id;
    expect(stored.map((row) => [row.idempotency_key, Number(row.educator_account_id)])).to.deep.equal([
      ['key-1', await idOf('first@example.org')],
      ['key-3', await idOf('third@example.org')],
      ['key-4', await idOf('last@example.org')],
      ['key-taken', await idOf('taken@example.org')],
    ]);
    expect(await repository(EducatorAccountRecord).countBy({ emailNormalized: 'second@example.org' })).to.equal(0);
  });

  it('when creations arrive while one is being written, then they are written together, in one transaction', async () => {
    const emails = ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org', 'e@example.org'];
    // SQLite: each group is one transaction of TypeORM's (MySQL sends its transactions on the statement-batch connections).
    const manager = server.application.dataSource.manager;
    const transaction = manager.transaction.bind(manager);
    let transactions = 0;
    manager.transaction = ((...args: Parameters<typeof transaction>) => ((transactions += 1), transaction(...args))) as typeof transaction;

    const written = await Promise.all(emails.map((email) => unitOfWork.writeCreation(creationFor(email)))).finally(() => {
      manager.transaction = transaction;
    });

    expect(written.every((result) => result.ok)).to.equal(true);
    // The first went alone; the four that came meanwhile together.
    if (database.label === 'MySQL') expect(accountsPerQuery()).to.deep.equal([1, 4]);
    else expect(transactions).to.equal(2);
    expect((await writtenFor(emails)).accounts).to.have.length(5);
  });
});
