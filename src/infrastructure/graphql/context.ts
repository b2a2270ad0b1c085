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

/** The page's session cookie on this request: what it carries, and how the answer sets or clears it. */
export interface SessionCookieJar {
  secret: string | undefined;
  set(secret: string): void;
  clear(): void;
}

export interface RequestContext {
  viewer: Viewer | null;
  sessionCookie: SessionCookieJar;
  clientAddress: string;
  publicIds: PublicIds;
  loaders: Loaders;
}

export const SIGN_IN_FIRST = 'Sign in first: start a session (startSession), or send Authorization: Bearer <token> from signIn.';

export const viewerOf = (context: RequestContext): Viewer => {
  if (!context.viewer) throw new GraphQLError(SIGN_IN_FIRST, { extensions: { code: 'UNAUTHENTICATED' } });
  return context.viewer;
};
