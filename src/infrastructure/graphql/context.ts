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

/** The page's session cookie on this request: what it carries, and how the answer sets or clears it. */
export interface SessionCookieJar {
  secret: string | undefined;
  set(secret: string): void;
  clear(): void;
}

export interface RequestContext {
  viewer: Viewer | null;
  sessionCookie: SessionCookieJar;
  /** Who is asking, as throttling counts them (see clientAddressResolver). */
  clientAddress: string;
  publicIds: PublicIds;
  loaders: Loaders;
  /** Only on the live-update stream: the upload log as it changes, authority read again from this request's credential. */
  followUploadLog?: (part: FollowedPart) => Promise<AsyncIterableIterator<VisibleBatch>>;
}

export const SIGN_IN_FIRST = 'Sign in first: start a session (startSession), or send Authorization: Bearer <token> from signIn.';

export const viewerOf = (context: RequestContext): Viewer => {
  if (!context.viewer) throw new GraphQLError(SIGN_IN_FIRST, { extensions: { code: 'UNAUTHENTICATED' } });
  return context.viewer;
};
