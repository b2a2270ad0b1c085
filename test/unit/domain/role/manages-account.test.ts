import { expect } from 'chai';
import { managesAccount } from '../../../../src/domain/role/account-creation-policy';
import { anActor, anEducator, DISTRICT_ONE, HILLCREST_ELEMENTARY, NORTH_HIGH, SOUTH_MIDDLE } from '../../../support/builders';

describe('managesAccount', () => {
  const atNorthHigh = anEducator().withRole('EDUCATOR', [NORTH_HIGH]).build();

  it('when a District Admin looks at any account of their district, then they manage it, district-wide roles included', () => {
    const admin = anActor().districtAdminOf(DISTRICT_ONE.id).build();
    expect(managesAccount(admin, atNorthHigh)).to.equal(true);
    expect(managesAccount(admin, anEducator().withRole('DISTRICT_ADMIN').build())).to.equal(true);
  });

  it('when a District Admin looks at an account of another district, then they do not manage it', () => {
    const admin = anActor().districtAdminOf(HILLCREST_ELEMENTARY.districtId).build();
    expect(managesAccount(admin, atNorthHigh)).to.equal(false);
  });

  it('when a Site Admin looks at accounts, then they manage only those wholly within their site and of a role they may grant', () => {
    const admin = anActor().siteAdminOf(NORTH_HIGH).build();
    expect(managesAccount(admin, atNorthHigh)).to.equal(true);
    expect(managesAccount(admin, anEducator().withRole('EDUCATOR', [SOUTH_MIDDLE]).build())).to.equal(false);
    expect(managesAccount(admin, anEducator().withRole('MULTI_SITE_COUNSELOR', [NORTH_HIGH, SOUTH_MIDDLE]).build())).to.equal(false);
    expect(managesAccount(admin, anEducator().withRole('DISTRICT_ADMIN').build())).to.equal(false);
  });

  it('when an Educator or Counselor looks at an account of their own site, then they do not manage it', () => {
    for (const role of ['EDUCATOR', 'COUNSELOR'] as const) expect(managesAccount(anActor().withRole(role, [NORTH_HIGH]).build(), atNorthHigh)).to.equal(false);
  });
});
