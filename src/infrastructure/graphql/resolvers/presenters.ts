import type DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { EducatorAccount } from '../../../domain/educator/educator-account';
import { sitesSeenBy } from '../../../domain/role/site-visibility';
import type { SchoolSite } from '../../../domain/school/school-site';
import type { Actor } from '../../../domain/shared/actor';
import type { RequestContext } from '../context';
import { EducatorAccountType, SchoolSiteType } from '../types/account.types';

export const encodeCursor = (context: RequestContext, id: number): string => context.publicIds.encode('cursor', id);

/** A cursor we did not issue is a client bug, answered as bad input rather than silently restarting the list. */
export const decodeCursor = (context: RequestContext, cursor: string | null | undefined): number | null => {
  if (!cursor) return null;
  const id = context.publicIds.decode('cursor', cursor);
  if (id === undefined) throw new GraphQLError('That "after" cursor is not one this API issued.', { extensions: { code: 'BAD_USER_INPUT' } });
  return id;
};

export const presentSite = (context: RequestContext, site: SchoolSite): SchoolSiteType => SchoolSiteType.from(site, context.publicIds.encode('site', site.id));

export const presentSites = async (context: RequestContext, siteIds: number[]): Promise<SchoolSiteType[]> => {
  const sites = await context.loaders.sites.loadMany(siteIds);
  return sites.flatMap((site) => (site && !(site instanceof Error) ? [presentSite(context, site)] : []));
};

/** `seenBy` is whoever reads the account, or 'owner' when they have just proved it is theirs (signing in, registering). */
export const presentAccount = (context: RequestContext, account: EducatorAccount, now: Date, seenBy: Actor | 'owner'): EducatorAccountType =>
  EducatorAccountType.from(
    account,
    context.publicIds.encode('account', account.id!),
    now,
    seenBy === 'owner' ? account.schoolSiteIds : sitesSeenBy(seenBy, account),
  );

/** Everything several rows refer to, loaded in one batch and answered by key (a key that names nothing is absent). */
export const loadEach = async <V>(loader: DataLoader<number, V | null>, keys: number[]): Promise<Map<number, V>> => {
  const distinct = [...new Set(keys)];
  const values = await Promise.all(distinct.map((key) => loader.load(key)));
  return new Map(distinct.flatMap((key, index) => (values[index] === null ? [] : [[key, values[index]] as [number, V]])));
};
