import type { SchoolSite, SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';

export class ListManagedSchoolSites {
  constructor(private readonly sites: SchoolSiteRepository) {}

  async execute(actor: Actor): Promise<SchoolSite[]> {
    if (actor.roleCode === 'DISTRICT_ADMIN') return this.sites.listForDistrict(actor.districtId);
    if (actor.roleCode === 'SITE_ADMIN') return this.sites.findByIds(actor.schoolSiteIds);
    return [];
  }
}
