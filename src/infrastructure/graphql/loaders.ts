import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../application/ports/clock';
import type { SqlSchoolSiteRepository } from '../persistence/sql-school-site-repository';
import { countActiveSiteAdmins, type SqlEducatorAccountRepository } from '../persistence/sql-educator-account-repository';
import type { Loaders } from './context';

/** One query per kind of thing a response mentions, however many rows reference it (no N+1). */
export const createLoaders = (sites: SqlSchoolSiteRepository, accounts: SqlEducatorAccountRepository, dataSource: DataSource, clock: Clock): Loaders => ({
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
    const counts = await countActiveSiteAdmins(dataSource.manager, [...siteIds], clock.now());
    return siteIds.map((id) => counts.get(id) ?? 0);
  }),
});
