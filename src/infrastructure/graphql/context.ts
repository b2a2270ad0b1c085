import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../../application/identify-actor';
import type { District, SchoolSite } from '../../domain/school/school-site';
import type { EducatorAccount } from '../../domain/educator/educator-account';
import type { PublicIds } from '../auth/public-ids';

export interface Loaders {
  sites: DataLoader<number, SchoolSite | null>;
  districts: DataLoader<number, District | null>;
  siteAdminCounts: DataLoader<number, number>;
  accounts: DataLoader<number, EducatorAccount | null>;
}

export interface RequestContext {
  viewer: Viewer | null;
  clientAddress: string;
  publicIds: PublicIds;
  loaders: Loaders;
}

export const viewerOf = (context: RequestContext): Viewer => {
  if (!context.viewer) throw new GraphQLError('Sign in first: send Authorization: Bearer <token> from signIn.', { extensions: { code: 'UNAUTHENTICATED' } });
  return context.viewer;
};
