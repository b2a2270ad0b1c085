import { expect } from 'chai';
import { sitesSeenBy } from '../../../../src/domain/role/site-visibility';
import { anActor, anEducator, HILLCREST_ELEMENTARY, NORTH_HIGH, SOUTH_MIDDLE, DISTRICT_TWO } from '../../../support/builders';

describe('sitesSeenBy', () => {
  const counselor = anEducator().withRole('MULTI_SITE_COUNSELOR', [NORTH_HIGH, SOUTH_MIDDLE]).build();

  it('when a Site Admin reads a Multi-Site Counselor of their site, then only their own site is seen', () => {
    expect(sitesSeenBy(anActor().siteAdminOf(NORTH_HIGH).build(), counselor)).to.deep.equal([NORTH_HIGH.id]);
  });

  it("when the District Admin of the counselor's district reads them, then every site is seen", () => {
    expect(sitesSeenBy(anActor().districtAdminOf(NORTH_HIGH.districtId).build(), counselor)).to.deep.equal([NORTH_HIGH.id, SOUTH_MIDDLE.id]);
  });

  it("when another district's District Admin or Site Admin reads them, then no site is seen", () => {
    expect(sitesSeenBy(anActor().districtAdminOf(DISTRICT_TWO.id).build(), counselor)).to.deep.equal([]);
    expect(sitesSeenBy(anActor().siteAdminOf(HILLCREST_ELEMENTARY).build(), counselor)).to.deep.equal([]);
  });

  it('when the counselor reads their own account, then both their sites are seen', () => {
    expect(sitesSeenBy(anActor().withRole('MULTI_SITE_COUNSELOR', [NORTH_HIGH, SOUTH_MIDDLE]).build(), counselor)).to.deep.equal([
      NORTH_HIGH.id,
      SOUTH_MIDDLE.id,
    ]);
  });
});
