import { GraphQLError } from 'graphql';
import type { RequestContext } from '../context';
import { SchoolSiteType } from '../types/account.types';

export const encodeCursor = (context: RequestContext, id: number): string => context.publicIds.encode('cursor', id);

/** A cursor we did not issue is a client bug, answered as bad input rather than silently restarting the list. */
export const decodeCursor = (context: RequestContext, cursor: string | null | undefined): number | null => {
  if (!cursor) return null;
  const id = context.publicIds.decode('cursor', cursor);
  if (id === undefined) throw new GraphQLError('That "after" cursor is not one this API issued.', { extensions: { code: 'BAD_USER_INPUT' } });
  return id;
};

export const presentSites = async (context: RequestContext, siteIds: number[]): Promise<SchoolSiteType[]> => {
  const sites = await context.loaders.sites.loadMany(siteIds);
  return sites.flatMap((site) => (site && !(site instanceof Error) ? [SchoolSiteType.from(site, context.publicIds.encode('site', site.id))] : []));
};
