import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../application/ports/clock';
import type { TypeOrmSchoolSiteRepository } from '../persistence/typeorm-school-site-repository';
import type { TypeOrmEducatorAccountRepository } from '../persistence/typeorm-educator-account-repository';
import type { Loaders } from './context';

/** One query per kind of thing a response mentions, however many rows reference it (no N+1). */
export const createLoaders = (sites: TypeOrmSchoolSiteRepository, accounts: TypeOrmEducatorAccountRepository, dataSource: DataSource, clock: Clock): Loaders => ({
  accounts: new DataLoader(async (ids) => {
    const found = await accounts.findByIds([...ids]);
    return ids.map((id) => found.find((account) => account.id === id) ?? null);
  }),
  sites: new DataLoader(async (ids) => {
    const found = await sites.findByIds([...ids]);
    return ids.map((id) => found.find((site) => site.id === id) ?? null);
  }),
  districts: new DataLoader(async (ids) => {
    const found = await sites.findDistricts([...ids]);
    return ids.map((id) => found.find((district) => district.id === id) ?? null);
  }),
  siteAdminCounts: new DataLoader(async (siteIds) => {
    const rows: { school_site_id: number; admins: number }[] = await dataSource.query(
      `SELECT m.school_site_id, COUNT(*) AS admins FROM educator_account_site m JOIN educator_account a ON a.id = m.account_id
       WHERE m.school_site_id IN (${siteIds.map(() => '?').join(',')}) AND a.role_code = 'SITE_ADMIN'
         AND (a.registered_at IS NOT NULL OR a.registration_deadline >= ?)
       GROUP BY m.school_site_id`,
      [...siteIds, clock.now().getTime()],
    );
    return siteIds.map((id) => Number(rows.find((row) => Number(row.school_site_id) === id)?.admins ?? 0));
  }),
});
