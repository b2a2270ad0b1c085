import { RECOMMENDED_SITE_ADMINS_PER_SITE } from '../role/role';

export interface Warning {
  code: string;
  message: string;
}

/** We advise 1–2 Site Admins per site: more is allowed, with this warning naming the new count. */
export const siteAdminRecommendation = (siteAdminCount: number, siteName: string): Warning | null =>
  siteAdminCount > RECOMMENDED_SITE_ADMINS_PER_SITE
    ? {
        code: 'SITE_ADMIN_RECOMMENDATION',
        message: `${siteName} now has ${siteAdminCount} Site Admins. We recommend 1–${RECOMMENDED_SITE_ADMINS_PER_SITE} Site Admins per site.`,
      }
    : null;
