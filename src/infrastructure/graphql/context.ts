import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { FollowedPart } from '../../application/follow-upload-log';
import type { Viewer } from '../../application/identify-actor';
import type { VisibleBatch } from '../../application/read-upload-log';
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
  /** Who is asking, as throttling counts them (see clientAddressResolver). */
  clientAddress: string;
  publicIds: PublicIds;
  loaders: Loaders;
  /** Only on the live-update stream: the upload log as it changes, authority read again from this request's credential. */
  followUploadLog?: (part: FollowedPart) => Promise<AsyncIterableIterator<VisibleBatch>>;
}

export const viewerOf = (context: RequestContext): Viewer => {
  if (!context.viewer) throw new GraphQLError('Sign in first: send Authorization: Bearer <token> from signIn.', { extensions: { code: 'UNAUTHENTICATED' } });
  return context.viewer;
};
