import type { EducatorAccount } from '../educator/educator-account';
import type { Actor } from '../shared/actor';

/**
 * The sites of an account that a viewer may see, with their names and Site Admin counts: a District Admin sees every
 * site of their district, anyone else only the sites they belong to themselves. A Site Admin reading a Multi-Site
 * Counselor of their site thus learns nothing about the counselor's other schools.
 */
export const sitesSeenBy = (viewer: Actor, account: EducatorAccount): number[] => {
  if (viewer.roleCode === 'DISTRICT_ADMIN') return viewer.districtId === account.districtId ? account.schoolSiteIds : [];
  return account.schoolSiteIds.filter((siteId) => viewer.schoolSiteIds.includes(siteId));
};
