import { expect } from 'chai';
import { AccessDenied } from '../../../src/application/access-denied';
import { IdentifyActor } from '../../../src/application/identify-actor';
import { ListEducatorAccounts, MAX_PAGE_SIZE, pageSize } from '../../../src/application/list-educator-accounts';
import { ListManagedSchoolSites } from '../../../src/application/list-managed-school-sites';
import { anActor, anEducator, DISTRICT_ONE, DISTRICT_TWO, HILLCREST_ELEMENTARY, NORTH_HIGH, SOUTH_MIDDLE } from '../../support/builders';
import {
  FakeTokenIssuer,
  FixedClock,
  InMemoryBrowserSessions,
  InMemoryEducatorAccountRepository,
  InMemorySchoolSiteRepository,
  rejectionOf,
} from '../../support/fakes';

const sites = () =>
  new InMemorySchoolSiteRepository()
    .addDistrict(DISTRICT_ONE)
    .addDistrict(DISTRICT_TWO)
    .addSite(NORTH_HIGH)
    .addSite(SOUTH_MIDDLE)
    .addSite(HILLCREST_ELEMENTARY);

describe('ListManagedSchoolSites', () => {
  const listSites = new ListManagedSchoolSites(sites());

  it('when a District Admin asks, then they get every site of their district, ordered by name', async () => {
    const managed = await listSites.execute(anActor().districtAdminOf(DISTRICT_ONE.id).build());
    expect(managed.map((site) => site.name)).to.deep.equal(['North High', 'South Middle']);
  });

  it('when a Site Admin asks, then they get their own site only', async () => {
    const managed = await listSites.execute(anActor().siteAdminOf(SOUTH_MIDDLE).build());
    expect(managed.map((site) => site.name)).to.deep.equal(['South Middle']);
  });

  it('when an Educator or counselor asks, then they manage no site', async () => {
    for (const role of ['EDUCATOR', 'COUNSELOR_CASELOAD_ONLY', 'COUNSELOR', 'MULTI_SITE_COUNSELOR'] as const) {
      expect(await listSites.execute(anActor().withRole(role, [NORTH_HIGH, SOUTH_MIDDLE]).build()), role).to.deep.equal([]);
    }
  });
});

describe('ListEducatorAccounts', () => {
  let accounts: InMemoryEducatorAccountRepository;
  let listAccounts: ListEducatorAccounts;

  beforeEach(async () => {
    accounts = new InMemoryEducatorAccountRepository();
    listAccounts = new ListEducatorAccounts(sites(), accounts, new FixedClock('2026-09-01T08:00:00.000Z'));
    for (let index = 1; index <= 5; index += 1)
      await accounts.save(anEducator().withEmail(`north${index}@example.org`).withRole('EDUCATOR', [NORTH_HIGH]).build());
    await accounts.save(anEducator().withEmail('south@example.org').withRole('EDUCATOR', [SOUTH_MIDDLE]).build());
  });

  it('when pages of two are walked, then every account of the site comes once, oldest first, with the total', async () => {
    const districtAdmin = anActor().districtAdminOf(DISTRICT_ONE.id).build();
    const seen: string[] = [];
    let afterId: number | null = null;
    const hasNext: boolean[] = [];
    for (;;) {
      const page = await listAccounts.execute(districtAdmin, NORTH_HIGH.id, 2, afterId);
      expect(await page.totalCount()).to.equal(5);
      seen.push(...page.nodes.map((account) => account.email.value));
      hasNext.push(page.hasNextPage);
      if (!page.hasNextPage) break;
      afterId = page.nodes.at(-1)!.id;
    }
    expect(seen).to.deep.equal(['north1@example.org', 'north2@example.org', 'north3@example.org', 'north4@example.org', 'north5@example.org']);
    expect(hasNext).to.deep.equal([true, true, false]);
  });

  it('when more than 100 are asked for, then the page size is capped at 100; nothing asked gives 50', () => {
    expect(MAX_PAGE_SIZE).to.equal(100);
    expect([pageSize(500), pageSize(undefined), pageSize(null), pageSize(-3), pageSize(7)]).to.deep.equal([100, 50, 50, 0, 7]);
  });

  it('when a Site Admin lists another site, then AccessDenied', async () => {
    const error = await rejectionOf(listAccounts.execute(anActor().siteAdminOf(NORTH_HIGH).build(), SOUTH_MIDDLE.id, 10, null));
    expect(error).to.be.instanceOf(AccessDenied);
  });

  it('when a District Admin lists a site of another district, an unknown site or an undecodable id, then AccessDenied', async () => {
    const districtAdmin = anActor().districtAdminOf(DISTRICT_ONE.id).build();
    for (const siteId of [HILLCREST_ELEMENTARY.id, 999, undefined]) {
      expect(await rejectionOf(listAccounts.execute(districtAdmin, siteId, 10, null)), String(siteId)).to.be.instanceOf(AccessDenied);
    }
  });

  it('when an Educator lists their own site, then AccessDenied', async () => {
    const error = await rejectionOf(listAccounts.execute(anActor().withRole('EDUCATOR', [NORTH_HIGH]).build(), NORTH_HIGH.id, 10, null));
    expect(error).to.be.instanceOf(AccessDenied);
  });
});

const bearer = (bearerToken: string | undefined) => ({ bearerToken, sessionSecret: undefined });

describe('IdentifyActor', () => {
  let accounts: InMemoryEducatorAccountRepository;
  let clock: FixedClock;
  let identify: IdentifyActor;

  beforeEach(() => {
    accounts = new InMemoryEducatorAccountRepository();
    clock = new FixedClock('2026-09-01T08:00:00.000Z');
    identify = new IdentifyActor(new FakeTokenIssuer(), accounts, new InMemoryBrowserSessions(), { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 }, clock);
  });

  it('when the token names an active account, then the actor carries its current role, district and sites', async () => {
    const saved = await accounts.save(anEducator().withRole('SITE_ADMIN', [SOUTH_MIDDLE]).registered('hash').build());
    const id = saved.ok ? saved.value : -1;

    const viewer = await identify.execute(bearer(`token-for-${id}`));

    expect(viewer?.actor).to.deep.equal({ accountId: id, roleCode: 'SITE_ADMIN', districtId: DISTRICT_ONE.id, schoolSiteIds: [SOUTH_MIDDLE.id] });
  });

  it('when there is no token, a forged one, or one naming a missing account, then nobody is signed in', async () => {
    expect(await identify.execute(bearer(undefined))).to.equal(null);
    expect(await identify.execute(bearer('forged'))).to.equal(null);
    expect(await identify.execute(bearer('token-for-404'))).to.equal(null);
  });

  it('when the account changed its password after the token was issued, then the token signs nobody in; one issued since does', async () => {
    const saved = await accounts.save(anEducator().withRole('SITE_ADMIN', [SOUTH_MIDDLE]).registered('hash').build());
    const id = saved.ok ? saved.value : -1;
    const account = (await accounts.findById(id))!;
    account.changePassword('new hash');
    await accounts.savePassword(account);

    expect(await identify.execute(bearer(`token-for-${id}`))).to.equal(null);
    expect((await identify.execute(bearer(new FakeTokenIssuer().issue(id, 1))))?.signedInWithToken).to.equal(true);
  });

  it('when the token names an account that never registered, then nobody is signed in', async () => {
    const saved = await accounts.save(anEducator().createdAt(clock.now()).pending().build());
    expect(await identify.execute(bearer(`token-for-${saved.ok ? saved.value : -1}`))).to.equal(null);
  });
});
