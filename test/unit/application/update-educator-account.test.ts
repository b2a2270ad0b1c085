import { expect } from 'chai';
import { AccessDenied } from '../../../src/application/access-denied';
import type { AccountCorrections } from '../../../src/application/ports/account-corrections';
import { UpdateEducatorAccount, type UpdateEducatorAccountRequest } from '../../../src/application/update-educator-account';
import type { EducatorAccount } from '../../../src/domain/educator/educator-account';
import type { QueuedInvitation } from '../../../src/domain/educator/invitation';
import type { Actor } from '../../../src/domain/shared/actor';
import { ok, type DomainError, type Result } from '../../../src/domain/shared/result';
import { anActor, anEducator, DISTRICT_ONE, DISTRICT_TWO, HILLCREST_ELEMENTARY, NORTH_HIGH, SOUTH_MIDDLE } from '../../support/builders';
import {
  FixedClock,
  InMemoryEducatorAccountRepository,
  InMemoryInvitationAllowances,
  InMemorySchoolSiteRepository,
  RecordingAuditTrail,
  rejectionOf,
} from '../../support/fakes';

/** Writes through the in-memory repository, as the SQL adapter writes the row, and keeps the invitations it queued. */
class InMemoryAccountCorrections implements AccountCorrections {
  readonly invitations: QueuedInvitation[] = [];

  constructor(private readonly accounts: InMemoryEducatorAccountRepository) {}

  async correct(corrected: EducatorAccount, _was: EducatorAccount, invitation: QueuedInvitation | null): Promise<Result<void, DomainError>> {
    const saved = await this.accounts.save(corrected);
    if (!saved.ok) return saved;
    if (invitation) this.invitations.push(invitation);
    return ok(undefined);
  }
}

describe('UpdateEducatorAccount', () => {
  let accounts: InMemoryEducatorAccountRepository;
  let corrections: InMemoryAccountCorrections;
  let audit: RecordingAuditTrail;
  let clock: FixedClock;
  let update: UpdateEducatorAccount;
  const districtAdmin: Actor = anActor().withAccountId(1).districtAdminOf(DISTRICT_ONE.id).build();
  const siteAdmin: Actor = anActor().withAccountId(2).siteAdminOf(NORTH_HIGH).build();

  beforeEach(async () => {
    accounts = new InMemoryEducatorAccountRepository();
    corrections = new InMemoryAccountCorrections(accounts);
    audit = new RecordingAuditTrail();
    clock = new FixedClock('2026-09-03T08:00:00.000Z');
    const sites = new InMemorySchoolSiteRepository()
      .addDistrict(DISTRICT_ONE)
      .addDistrict(DISTRICT_TWO)
      .addSite(NORTH_HIGH)
      .addSite(SOUTH_MIDDLE)
      .addSite(HILLCREST_ELEMENTARY);
    update = new UpdateEducatorAccount(accounts, sites, corrections, new InMemoryInvitationAllowances(), audit, clock, 1);
    await accounts.save(anEducator().withId(2).withEmail('sam@example.org').withRole('SITE_ADMIN', [NORTH_HIGH]).registered('hash').build());
    await accounts.save(anEducator().withId(10).build());
    await accounts.save(anEducator().withId(11).withEmail('taken@example.org').build());
  });

  const request = (overrides: Partial<UpdateEducatorAccountRequest>): UpdateEducatorAccountRequest => ({
    accountId: 10,
    clientAddress: '203.0.113.7',
    ...overrides,
  });
  const stored = async (id = 10) => (await accounts.findById(id))!.snapshot;
  const outcomes = () => audit.events.map((event) => [event.action, event.outcome, event.detail ?? null]);

  it('when a pending email is corrected, then the account gets a new creation moment and one invitation to the new address at its site', async () => {
    const outcome = await update.execute(districtAdmin, request({ email: 'ana.perez@example.org' }));

    expect(outcome.userErrors).to.deep.equal([]);
    expect((await stored()).email.value).to.equal('ana.perez@example.org');
    expect((await stored()).createdAt).to.deep.equal(clock.now());
    expect(corrections.invitations).to.deep.equal([{ accountId: 10, to: 'ana.perez@example.org', placeName: 'North High' }]);
    expect(outcomes()).to.deep.equal([['ACCOUNT_UPDATED', 'SUCCEEDED', 'Changed: email']]);
  });

  it("when a second email correction would pass the admin's hourly invitation allowance, then INVITATION_LIMIT_REACHED and nothing is written", async () => {
    await update.execute(districtAdmin, request({ email: 'first@example.org' }));

    const outcome = await update.execute(districtAdmin, request({ email: 'second@example.org' }));

    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['INVITATION_LIMIT_REACHED']);
    expect((await stored()).email.value).to.equal('first@example.org');
    expect(corrections.invitations).to.have.length(1);
  });

  it('when the email is another account’s, then EMAIL_TAKEN and nothing is written or sent', async () => {
    const outcome = await update.execute(districtAdmin, request({ email: 'Taken@Example.org', firstName: 'Anabel' }));

    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['EMAIL_TAKEN']);
    expect((await stored()).firstName).to.equal('Ana');
    expect(corrections.invitations).to.deep.equal([]);
  });

  it('when a Site Admin moves their Educator to a site they do not manage, or to one that does not exist, then AccessDenied, recorded FORBIDDEN', async () => {
    const moved = await rejectionOf(update.execute(siteAdmin, request({ schoolSiteIds: [SOUTH_MIDDLE.id] })));
    const nowhere = await rejectionOf(update.execute(siteAdmin, request({ schoolSiteIds: [undefined] })));

    expect(moved).to.be.instanceOf(AccessDenied);
    expect(nowhere).to.be.instanceOf(AccessDenied);
    expect((moved as Error).message).to.equal((nowhere as Error).message);
    expect((await stored()).schoolSiteIds).to.deep.equal([NORTH_HIGH.id]);
    expect(outcomes()).to.deep.equal([
      ['ACCOUNT_UPDATED', 'FORBIDDEN', null],
      ['ACCOUNT_UPDATED', 'FORBIDDEN', null],
    ]);
  });

  it('when a Site Admin grants a role only a District Admin may, then ROLE_NOT_ALLOWED; a role whose sites do not fit, INVALID_SITES', async () => {
    const districtRole = await update.execute(siteAdmin, request({ roleCode: 'DISTRICT_ADMIN', schoolSiteIds: [] }));
    const multiSite = await update.execute(districtAdmin, request({ roleCode: 'MULTI_SITE_COUNSELOR' }));

    expect(districtRole.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['ROLE_NOT_ALLOWED', ['roleCode']]]);
    expect(multiSite.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['INVALID_SITES', ['schoolSiteIds']]]);
    expect((await stored()).roleCode).to.equal('EDUCATOR');
  });

  it('when an admin changes their own sites, then CANNOT_CHANGE_OWN_ROLE beside the sites', async () => {
    const own = await update.execute(siteAdmin, request({ accountId: siteAdmin.accountId, schoolSiteIds: [] }));

    expect(own.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['CANNOT_CHANGE_OWN_ROLE', ['schoolSiteIds']]]);
  });

  it('when nothing differs, then it succeeds without writing, recorded as nothing changed', async () => {
    const outcome = await update.execute(districtAdmin, request({ firstName: 'Ana', roleCode: 'EDUCATOR' }));

    expect(outcome.userErrors).to.deep.equal([]);
    expect(corrections.invitations).to.deep.equal([]);
    expect(outcomes()).to.deep.equal([['ACCOUNT_UPDATED', 'SUCCEEDED', 'Nothing changed']]);
  });
});
