import { expect } from 'chai';
import { AccessDenied } from '../../../src/application/access-denied';
import { SINGLE_CREATION_AGREEMENT_VERSION } from '../../../src/application/agreements';
import { CreateEducatorAccount } from '../../../src/application/create-educator-account';
import type { AccountCreation, TransactionalStores } from '../../../src/application/ports/unit-of-work';
import type { Actor } from '../../../src/domain/shared/actor';
import { fail, refusal } from '../../../src/domain/shared/result';
import { aCreationRequest, anActor, anEducator, DISTRICT_ONE, DISTRICT_TWO, HILLCREST_ELEMENTARY, NORTH_HIGH, SOUTH_MIDDLE } from '../../support/builders';
import {
  FixedClock,
  InMemoryEducatorAccountRepository,
  InMemorySchoolSiteRepository,
  InMemoryInvitationAllowances,
  InMemoryUnitOfWork,
  RecordingAuditTrail,
  rejectionOf,
  textFingerprint,
} from '../../support/fakes';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('CreateEducatorAccount', () => {
  let accounts: InMemoryEducatorAccountRepository;
  let unitOfWork: InMemoryUnitOfWork;
  let clock: FixedClock;
  let createAccount: CreateEducatorAccount;
  let audit: RecordingAuditTrail;
  const districtAdmin: Actor = anActor().withAccountId(1).districtAdminOf(DISTRICT_ONE.id).build();
  const siteAdmin: Actor = anActor().withAccountId(2).siteAdminOf(NORTH_HIGH).build();

  beforeEach(() => {
    accounts = new InMemoryEducatorAccountRepository();
    audit = new RecordingAuditTrail();
    unitOfWork = new InMemoryUnitOfWork(accounts);
    clock = new FixedClock('2026-09-01T08:00:00.000Z');
    const sites = new InMemorySchoolSiteRepository()
      .addDistrict(DISTRICT_ONE)
      .addDistrict(DISTRICT_TWO)
      .addSite(NORTH_HIGH)
      .addSite(SOUTH_MIDDLE)
      .addSite(HILLCREST_ELEMENTARY);
    createAccount = new CreateEducatorAccount(sites, unitOfWork, new InMemoryInvitationAllowances(), clock, textFingerprint, 200, audit);
  });

  const placeNamed = (index: number): string => {
    const { queued } = unitOfWork.emails[index];
    return queued.template === 'invitation' ? queued.invitation.placeName : '';
  };

  const expectNothingWritten = () => {
    expect(accounts.count(), 'accounts').to.equal(0);
    expect(unitOfWork.emails, 'queued emails').to.have.length(0);
    expect(unitOfWork.agreements, 'agreements').to.have.length(0);
  };

  it('when a District Admin creates an Educator at a site of their district, then the account, its invitation and the agreement are stored', async () => {
    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().withEmail(' Ben.Okafor@Example.org ').build());

    expect(outcome.userErrors).to.deep.equal([]);
    expect(outcome.warnings).to.deep.equal([]);
    const [stored] = accounts.all();
    expect(accounts.count()).to.equal(1);
    expect(outcome.account?.id).to.equal(stored.id);
    expect(stored.email.value).to.equal('Ben.Okafor@Example.org');
    expect(stored.email.normalized).to.equal('ben.okafor@example.org');
    expect(stored.roleCode).to.equal('EDUCATOR');
    expect(stored.districtId).to.equal(DISTRICT_ONE.id);
    expect(stored.schoolSiteIds).to.deep.equal([NORTH_HIGH.id]);
    expect(stored.createdByAccountId).to.equal(districtAdmin.accountId);
    expect(stored.registrationDeadline.getTime() - clock.now().getTime()).to.equal(60 * DAY_MS);
    expect(unitOfWork.agreements).to.deep.equal([
      {
        acceptedByAccountId: districtAdmin.accountId,
        agreement: 'SINGLE_ACCOUNT_CREATION',
        version: SINGLE_CREATION_AGREEMENT_VERSION,
        acceptedAt: clock.now(),
        subjectAccountId: stored.id,
      },
    ]);
  });

  it('when an account is created, then ACCOUNT_CREATED is recorded by the admin, naming the account, its site and the address', async () => {
    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().build());

    expect(audit.events).to.deep.equal([
      {
        action: 'ACCOUNT_CREATED',
        outcome: 'SUCCEEDED',
        at: clock.now(),
        actorAccountId: districtAdmin.accountId,
        districtId: DISTRICT_ONE.id,
        schoolSiteId: NORTH_HIGH.id,
        targetAccountId: outcome.account!.id,
        clientAddress: '203.0.113.7',
        detail: null,
      },
    ]);
  });

  it('when a creation is refused, then ACCOUNT_CREATED is recorded with the refusal code and the email named', async () => {
    await createAccount.execute(districtAdmin, aCreationRequest().build());
    await createAccount.execute(districtAdmin, aCreationRequest().build());
    await createAccount.execute(districtAdmin, { ...aCreationRequest().withEmail('other@example.org').build(), agreementAccepted: false });

    expect(audit.events.map(({ outcome, targetAccountId, detail }) => ({ outcome, targetAccountId, detail }))).to.deep.equal([
      { outcome: 'SUCCEEDED', targetAccountId: accounts.all()[0].id, detail: null },
      { outcome: 'EMAIL_TAKEN', targetAccountId: null, detail: 'ben.okafor@example.org' },
      { outcome: 'AGREEMENT_REQUIRED', targetAccountId: null, detail: 'other@example.org' },
    ]);
  });

  it("when a creation is forbidden, then ACCOUNT_CREATED is recorded as FORBIDDEN in the actor's district, with no site", async () => {
    const refused = await createAccount.execute(siteAdmin, aCreationRequest().forRole('EDUCATOR', [SOUTH_MIDDLE]).build()).catch((error: unknown) => error);

    expect(refused).to.be.instanceOf(AccessDenied);
    expect(audit.events).to.have.length(1);
    expect(audit.events[0]).to.include({
      action: 'ACCOUNT_CREATED',
      outcome: 'FORBIDDEN',
      actorAccountId: siteAdmin.accountId,
      districtId: siteAdmin.districtId,
    });
    expect(audit.events[0].schoolSiteId).to.equal(undefined);
  });

  it('when an account is created, then one invitation is queued for the new account, naming its site', async () => {
    await createAccount.execute(districtAdmin, aCreationRequest().build());

    const [stored] = accounts.all();
    expect(unitOfWork.emails.map((email) => email.queued)).to.deep.equal([
      { template: 'invitation', invitation: { accountId: stored.id, to: 'ben.okafor@example.org', placeName: 'North High' } },
    ]);
    expect(unitOfWork.emails[0].queuedAt).to.deep.equal(clock.now());
  });

  it('when a Multi-Site Counselor is created, then the invitation names every site', async () => {
    await createAccount.execute(districtAdmin, aCreationRequest().forRole('MULTI_SITE_COUNSELOR', [SOUTH_MIDDLE, NORTH_HIGH]).build());

    expect(accounts.all()[0].schoolSiteIds).to.deep.equal([SOUTH_MIDDLE.id, NORTH_HIGH.id]);
    expect(placeNamed(0)).to.equal('North High, South Middle');
  });

  it('when a District Admin account is created, then it has no site and the invitation names the district', async () => {
    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().forRole('DISTRICT_ADMIN', []).build());

    expect(outcome.userErrors).to.deep.equal([]);
    expect(accounts.all()[0].schoolSiteIds).to.deep.equal([]);
    expect(placeNamed(0)).to.equal(DISTRICT_ONE.name);
  });

  it('when the agreement is not accepted, then AGREEMENT_REQUIRED and nothing is written', async () => {
    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().withoutAgreement().build());

    expect(outcome.account).to.equal(null);
    expect(outcome.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['AGREEMENT_REQUIRED', ['agreementAccepted']]]);
    expectNothingWritten();
  });

  it('when the site belongs to another district, then AccessDenied and nothing is written, even without the agreement', async () => {
    const error = await rejectionOf(
      createAccount.execute(districtAdmin, aCreationRequest().forRole('EDUCATOR', [HILLCREST_ELEMENTARY]).withoutAgreement().build()),
    );

    expect(error).to.be.instanceOf(AccessDenied);
    expectNothingWritten();
  });

  it('when a Site Admin names another site of their district, then AccessDenied and nothing is written', async () => {
    const error = await rejectionOf(createAccount.execute(siteAdmin, aCreationRequest().forRole('COUNSELOR', [SOUTH_MIDDLE]).build()));

    expect(error).to.be.instanceOf(AccessDenied);
    expectNothingWritten();
  });

  it('when a site id did not decode, then AccessDenied and nothing is written', async () => {
    const error = await rejectionOf(createAccount.execute(districtAdmin, aCreationRequest().withSiteIds([undefined]).build()));

    expect(error).to.be.instanceOf(AccessDenied);
    expectNothingWritten();
  });

  it('when a site id names no site at all, then AccessDenied and nothing is written', async () => {
    const error = await rejectionOf(
      createAccount.execute(districtAdmin, aCreationRequest().forRole('MULTI_SITE_COUNSELOR', []).withSiteIds([NORTH_HIGH.id, 999]).build()),
    );

    expect(error).to.be.instanceOf(AccessDenied);
    expectNothingWritten();
  });

  it('when an Educator tries to create an account at their own site, then AccessDenied', async () => {
    const educator = anActor().withAccountId(3).withRole('EDUCATOR', [NORTH_HIGH]).build();

    const error = await rejectionOf(createAccount.execute(educator, aCreationRequest().build()));

    expect(error).to.be.instanceOf(AccessDenied);
    expectNothingWritten();
  });

  it('when a Site Admin asks for a District Admin, then ROLE_NOT_ALLOWED and nothing is written', async () => {
    const outcome = await createAccount.execute(siteAdmin, aCreationRequest().forRole('DISTRICT_ADMIN', []).build());

    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['ROLE_NOT_ALLOWED']);
    expectNothingWritten();
  });

  it('when a site role is given two sites, then INVALID_SITES and nothing is written', async () => {
    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().forRole('COUNSELOR', [NORTH_HIGH, SOUTH_MIDDLE]).build());

    expect(outcome.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['INVALID_SITES', ['schoolSiteIds']]]);
    expectNothingWritten();
  });

  it('when the name is invalid, then INVALID_NAME and nothing is written', async () => {
    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().withName('Ben', 'x'.repeat(101)).build());

    expect(outcome.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['INVALID_NAME', ['lastName']]]);
    expectNothingWritten();
  });

  it('when the email is invalid, then INVALID_EMAIL and nothing is written', async () => {
    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().withEmail('ben.okafor@').build());

    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['INVALID_EMAIL']);
    expectNothingWritten();
  });

  it('when the email belongs to a pending account, in another case and with spaces, then EMAIL_TAKEN and nothing more is written', async () => {
    await accounts.save(anEducator().withEmail('ben.okafor@example.org').createdAt(clock.now()).pending().build());

    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().withEmail('  BEN.Okafor@EXAMPLE.org ').build());

    expect(outcome.account).to.equal(null);
    expect(outcome.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['EMAIL_TAKEN', ['email']]]);
    expect(accounts.count()).to.equal(1);
    expect(unitOfWork.emails).to.have.length(0);
    expect(unitOfWork.agreements).to.have.length(0);
  });

  it('when the email belongs to an active account, then EMAIL_TAKEN', async () => {
    await accounts.save(anEducator().withEmail('ben.okafor@example.org').createdAt('2025-01-01T00:00:00Z').registered('hash').build());

    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().build());

    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['EMAIL_TAKEN']);
    expect(accounts.count()).to.equal(1);
  });

  it('when the email belongs to an expired account, then the same row is re-created with a new deadline, role, sites and code', async () => {
    const expiredCreation = new Date(clock.now().getTime() - 61 * DAY_MS);
    const saved = await accounts.save(
      anEducator().withEmail('ben.okafor@example.org').withRole('COUNSELOR', [SOUTH_MIDDLE]).createdAt(expiredCreation).pending().build(),
    );
    const expiredId = saved.ok ? saved.value : -1;

    const outcome = await createAccount.execute(
      districtAdmin,
      aCreationRequest().withEmail('Ben.Okafor@example.org').forRole('EDUCATOR', [NORTH_HIGH]).build(),
    );

    expect(outcome.userErrors).to.deep.equal([]);
    expect(outcome.account?.id).to.equal(expiredId);
    expect(accounts.count()).to.equal(1);
    const [stored] = accounts.all();
    expect(stored.id).to.equal(expiredId);
    expect(stored.roleCode).to.equal('EDUCATOR');
    expect(stored.schoolSiteIds).to.deep.equal([NORTH_HIGH.id]);
    expect(stored.createdAt).to.deep.equal(clock.now());
    expect(stored.registrationDeadline.getTime()).to.equal(clock.now().getTime() + 60 * DAY_MS);
    expect(unitOfWork.emails).to.have.length(1);
    expect(unitOfWork.agreements.map((agreement) => agreement.subjectAccountId)).to.deep.equal([expiredId]);
  });

  it('when a site already has one Site Admin and a second is created, then no warning', async () => {
    await accounts.save(anEducator().withEmail('first.admin@example.org').withRole('SITE_ADMIN', [NORTH_HIGH]).registered('hash').build());

    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().forRole('SITE_ADMIN', [NORTH_HIGH]).build());

    expect(outcome.userErrors).to.deep.equal([]);
    expect(outcome.warnings).to.deep.equal([]);
  });

  it('when a site already has two Site Admins and a third is created, then it succeeds with a SITE_ADMIN_RECOMMENDATION naming 3', async () => {
    await accounts.save(anEducator().withEmail('first.admin@example.org').withRole('SITE_ADMIN', [NORTH_HIGH]).registered('hash').build());
    await accounts.save(anEducator().withEmail('second.admin@example.org').withRole('SITE_ADMIN', [NORTH_HIGH]).createdAt(clock.now()).pending().build());

    const outcome = await createAccount.execute(siteAdmin, aCreationRequest().forRole('SITE_ADMIN', [NORTH_HIGH]).build());

    expect(outcome.userErrors).to.deep.equal([]);
    expect(outcome.account).not.to.equal(null);
    expect(accounts.count()).to.equal(3);
    expect(outcome.warnings).to.deep.equal([
      { code: 'SITE_ADMIN_RECOMMENDATION', message: 'North High now has 3 Site Admins. We recommend 1–2 Site Admins per site.' },
    ]);
  });

  it('when the other Site Admins of the site have expired, then they do not count toward the warning', async () => {
    const longAgo = new Date(clock.now().getTime() - 90 * DAY_MS);
    await accounts.save(anEducator().withEmail('first.admin@example.org').withRole('SITE_ADMIN', [NORTH_HIGH]).createdAt(longAgo).pending().build());
    await accounts.save(anEducator().withEmail('second.admin@example.org').withRole('SITE_ADMIN', [NORTH_HIGH]).createdAt(longAgo).pending().build());

    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().forRole('SITE_ADMIN', [NORTH_HIGH]).build());

    expect(outcome.warnings).to.deep.equal([]);
  });

  it('when Site Admins of another site are many, then creating one here gives no warning', async () => {
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) {
      await accounts.save(anEducator().withEmail(email).withRole('SITE_ADMIN', [SOUTH_MIDDLE]).registered('hash').build());
    }

    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().forRole('SITE_ADMIN', [NORTH_HIGH]).build());

    expect(outcome.warnings).to.deep.equal([]);
  });

  it('when the email is new, then the creation is written straight away, without a transaction that looks the email up first', async () => {
    const outcome = await createAccount.execute(districtAdmin, aCreationRequest().build());

    expect(outcome.userErrors).to.deep.equal([]);
    expect(accounts.count()).to.equal(1);
    expect(unitOfWork.transactions).to.equal(0);
  });

  it('when the email is in use, then the account holding it is looked at in a transaction of its own', async () => {
    await accounts.save(anEducator().withEmail('ben.okafor@example.org').createdAt(clock.now()).pending().build());

    await createAccount.execute(districtAdmin, aCreationRequest().build());

    expect(unitOfWork.transactions).to.equal(1);
  });

  it('when the account in the way is gone by the time it is looked at (a racing creation rolled back), then the account is created after all', async () => {
    const racing = new (class extends InMemoryUnitOfWork {
      private raced = false;
      override writeCreation(creation: AccountCreation) {
        if (this.raced) return super.writeCreation(creation);
        this.raced = true;
        return Promise.resolve(fail(refusal('EMAIL_TAKEN', 'Email has already been taken.', ['email'])));
      }
    })(accounts);
    const sites = new InMemorySchoolSiteRepository().addDistrict(DISTRICT_ONE).addSite(NORTH_HIGH);

    const outcome = await new CreateEducatorAccount(sites, racing, new InMemoryInvitationAllowances(), clock, textFingerprint, 200, audit).execute(
      districtAdmin,
      aCreationRequest().build(),
    );

    expect(outcome.userErrors).to.deep.equal([]);
    expect(accounts.count()).to.equal(1);
    expect(outcome.account?.id).to.equal(accounts.all()[0].id);
    expect(racing.transactions).to.equal(1);
    expect(racing.emails.map((email) => email.queued)).to.deep.equal([
      { template: 'invitation', invitation: { accountId: accounts.all()[0].id, to: 'ben.okafor@example.org', placeName: 'North High' } },
    ]);
    expect(racing.agreements.map((agreement) => agreement.subjectAccountId)).to.deep.equal([accounts.all()[0].id]);
  });
  describe('with an idempotency key', () => {
    const KEY = '0b6f6a2e-4d5c-4f1e-9a57-3c2d1e0f9a8b';

    const written = () => ({ accounts: accounts.count(), invitations: unitOfWork.emails.length, agreements: unitOfWork.agreements.length });
    const withUnitOfWork = (other: InMemoryUnitOfWork) =>
      new CreateEducatorAccount(
        new InMemorySchoolSiteRepository().addDistrict(DISTRICT_ONE).addSite(NORTH_HIGH),
        other,
        new InMemoryInvitationAllowances(),
        clock,
        textFingerprint,
        200,
        audit,
      );

    it('when the same request is sent again under its key, then the account the first created is answered and nothing more is written', async () => {
      const first = await createAccount.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());

      const again = await createAccount.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());

      expect(again.userErrors).to.deep.equal([]);
      expect(again.account?.id).to.equal(first.account?.id);
      expect(again.account?.createdAt).to.deep.equal(first.account?.createdAt);
      expect(written()).to.deep.equal({ accounts: 1, invitations: 1, agreements: 1 });
    });

    it('when the first request landed but its answer was lost, then the retry under the same key answers that account, not EMAIL_TAKEN', async () => {
      const losing = new (class extends InMemoryUnitOfWork {
        private lost = false;
        override async writeCreation(creation: AccountCreation) {
          const landed = await super.writeCreation(creation);
          if (this.lost) return landed;
          this.lost = true;
          throw new Error('Connection lost: the server closed the connection.');
        }
      })(accounts);
      const useCase = withUnitOfWork(losing);
      await rejectionOf(useCase.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build()));
      clock.advanceMs(30_000);

      const retry = await useCase.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());

      expect(retry.userErrors).to.deep.equal([]);
      expect(retry.account?.id).to.equal(accounts.all()[0].id);
      expect([accounts.count(), losing.emails.length, losing.agreements.length]).to.deep.equal([1, 1, 1]);
    });

    it('when the retry differs only in spaces around the names and the letter case of the email, then it is the same request', async () => {
      const first = await createAccount.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());
      const respelled = aCreationRequest().withName(' Ben ', 'Okafor ').withEmail('BEN.Okafor@example.org').withIdempotencyKey(KEY);

      const again = await createAccount.execute(districtAdmin, respelled.build());

      expect(again.userErrors).to.deep.equal([]);
      expect(again.account?.id).to.equal(first.account?.id);
    });

    for (const [change, request] of [
      ['another email', aCreationRequest().withEmail('someone.else@example.org')],
      ['other names', aCreationRequest().withName('Benedict', 'Okafor')],
      ['another role', aCreationRequest().forRole('COUNSELOR', [NORTH_HIGH])],
      ['another site', aCreationRequest().forRole('EDUCATOR', [SOUTH_MIDDLE])],
    ] as const) {
      it(`when the same key comes with ${change}, then IDEMPOTENCY_KEY_REUSED and nothing more is written`, async () => {
        await createAccount.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());

        const reused = await createAccount.execute(districtAdmin, request.withIdempotencyKey(KEY).build());

        expect(reused.account).to.equal(null);
        expect(reused.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['IDEMPOTENCY_KEY_REUSED', ['idempotencyKey']]]);
        expect(written()).to.deep.equal({ accounts: 1, invitations: 1, agreements: 1 });
      });
    }

    it('when another admin sends the same key, then it is theirs: their own request is created', async () => {
      await createAccount.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());

      const theirs = await createAccount.execute(siteAdmin, aCreationRequest().withEmail('someone.else@example.org').withIdempotencyKey(KEY).build());

      expect(theirs.userErrors).to.deep.equal([]);
      expect(accounts.count()).to.equal(2);
    });

    it('when the write cannot tell the key from the email (MySQL groups answer EMAIL_TAKEN), then the retry is still answered its account', async () => {
      const grouped = new (class extends InMemoryUnitOfWork {
        override async writeCreation(creation: AccountCreation) {
          const answer = await super.writeCreation(creation);
          return answer.ok || answer.error.code !== 'IDEMPOTENCY_KEY_TAKEN' ? answer : fail(refusal('EMAIL_TAKEN', 'Email has already been taken.', ['email']));
        }
      })(accounts);
      const useCase = withUnitOfWork(grouped);
      const first = await useCase.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());

      const again = await useCase.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());
      const reused = await useCase.execute(districtAdmin, aCreationRequest().withEmail('someone.else@example.org').withIdempotencyKey(KEY).build());

      expect(again.account?.id).to.equal(first.account?.id);
      expect(reused.userErrors.map((error) => error.code)).to.deep.equal(['IDEMPOTENCY_KEY_REUSED']);
      expect(accounts.count()).to.equal(1);
    });

    it('when the same key landed with the same request between the look and the write, then a second look answers that account', async () => {
      const first = await createAccount.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());
      // The first look's snapshot predates the other request: it sees neither its key nor its account.
      const stale = new (class extends InMemoryUnitOfWork {
        looks = 0;
        override run<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T> {
          this.looks += 1;
          if (this.looks > 1) return super.run(work);
          const blindToTheEmail = Object.assign(Object.create(accounts), { findByEmail: async () => null });
          return super.run((stores) => work({ ...stores, idempotencyKeys: { find: async () => null }, accounts: blindToTheEmail }));
        }
      })(accounts);
      for (const [name, row] of unitOfWork.keys.rows) stale.keys.rows.set(name, row);
      const useCase = withUnitOfWork(stale);

      const again = await useCase.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());

      expect(again.userErrors).to.deep.equal([]);
      expect(again.account?.id).to.equal(first.account?.id);
      expect(stale.looks).to.equal(2);
      expect(accounts.count()).to.equal(1);
    });

    it('when a keyed creation is refused, then the key is not kept: corrected and sent again under it, the account is created', async () => {
      await accounts.save(anEducator().withEmail('ben.okafor@example.org').createdAt(clock.now()).pending().build());
      const refusedFirst = await createAccount.execute(districtAdmin, aCreationRequest().withIdempotencyKey(KEY).build());

      const corrected = await createAccount.execute(districtAdmin, aCreationRequest().withEmail('ben.okafor2@example.org').withIdempotencyKey(KEY).build());

      expect(refusedFirst.userErrors.map((error) => error.code)).to.deep.equal(['EMAIL_TAKEN']);
      expect(corrected.userErrors).to.deep.equal([]);
      expect(accounts.count()).to.equal(2);
    });

    it('when a Site Admin that drew the recommendation is sent again, then the recommendation is answered again, with the count as it is now', async () => {
      await accounts.save(anEducator().withEmail('first.admin@example.org').withRole('SITE_ADMIN', [NORTH_HIGH]).registered('hash').build());
      await accounts.save(anEducator().withEmail('second.admin@example.org').withRole('SITE_ADMIN', [NORTH_HIGH]).registered('hash').build());
      const first = await createAccount.execute(districtAdmin, aCreationRequest().forRole('SITE_ADMIN', [NORTH_HIGH]).withIdempotencyKey(KEY).build());

      const again = await createAccount.execute(districtAdmin, aCreationRequest().forRole('SITE_ADMIN', [NORTH_HIGH]).withIdempotencyKey(KEY).build());

      expect(again.account?.id).to.equal(first.account?.id);
      expect(again.warnings).to.deep.equal(first.warnings);
      expect(again.warnings.map((warning) => warning.code)).to.deep.equal(['SITE_ADMIN_RECOMMENDATION']);
    });
  });

  describe('the hourly limit of accounts created by hand', () => {
    const limited = (limit: number) => {
      const sites = new InMemorySchoolSiteRepository().addDistrict(DISTRICT_ONE).addSite(NORTH_HIGH);
      return new CreateEducatorAccount(sites, unitOfWork, new InMemoryInvitationAllowances(), clock, textFingerprint, limit, audit);
    };
    const createNumbered = (useCase: CreateEducatorAccount, admin: Actor, n: number) =>
      useCase.execute(admin, aCreationRequest().withEmail(`limited.${n}@example.org`).build());

    it('when an admin reaches the limit, then the next creation is INVITATION_LIMIT_REACHED saying when they may continue, and nothing is written', async () => {
      const useCase = limited(3);
      for (let n = 1; n <= 3; n += 1) expect((await createNumbered(useCase, districtAdmin, n)).userErrors).to.deep.equal([]);
      clock.advanceMs(20 * 60_000);

      const refused = await createNumbered(useCase, districtAdmin, 4);

      expect(refused).to.deep.equal({
        account: null,
        warnings: [],
        userErrors: [
          {
            code: 'INVITATION_LIMIT_REACHED',
            message:
              'You have created 3 accounts by hand in the last hour, the most one admin may. You can create the next one at 2026-09-01 09:01 UTC ' +
              '(in 41 minutes). To add many educators at once, upload a file.',
          },
        ],
      });
      expect(accounts.count()).to.equal(3);
      expect(unitOfWork.emails).to.have.length(3);
    });

    it('when the hour since the first creations has passed, then the admin may create again', async () => {
      const useCase = limited(2);
      await createNumbered(useCase, districtAdmin, 1);
      await createNumbered(useCase, districtAdmin, 2);
      clock.advanceMs(61 * 60_000);

      expect((await createNumbered(useCase, districtAdmin, 3)).userErrors).to.deep.equal([]);
    });

    it('when another admin has reached the limit, then this admin is not limited by it', async () => {
      const useCase = limited(1);
      await createNumbered(useCase, siteAdmin, 1);

      expect((await createNumbered(useCase, districtAdmin, 2)).userErrors).to.deep.equal([]);
      expect((await createNumbered(useCase, siteAdmin, 3)).userErrors.map((error) => error.code)).to.deep.equal(['INVITATION_LIMIT_REACHED']);
    });

    it('when a keyed retry is answered the account its first request created, then the retry does not count', async () => {
      const useCase = limited(2);
      const keyed = aCreationRequest().withEmail('keyed@example.org').withIdempotencyKey('retry-key-1').build();

      const first = await useCase.execute(districtAdmin, keyed);
      const retry = await useCase.execute(districtAdmin, keyed);
      const next = await createNumbered(useCase, districtAdmin, 1);

      expect(retry.account?.id).to.equal(first.account?.id);
      expect(next.userErrors).to.deep.equal([]);
    });

    it('when creations are refused for their email or their input, then they do not count', async () => {
      const useCase = limited(1);
      await accounts.save(anEducator().withEmail('taken@example.org').createdAt(clock.now()).pending().build());

      const taken = await useCase.execute(districtAdmin, aCreationRequest().withEmail('taken@example.org').build());
      const invalid = await useCase.execute(districtAdmin, aCreationRequest().withEmail('not-an-email').build());
      const created = await createNumbered(useCase, districtAdmin, 1);

      expect([taken, invalid, created].map((outcome) => outcome.userErrors.map((error) => error.code))).to.deep.equal([['EMAIL_TAKEN'], ['INVALID_EMAIL'], []]);
    });
  });
});
