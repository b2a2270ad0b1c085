import type { EducatorAccount } from '../../domain/educator/educator-account';

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Read side for account listings; cursors are internal ids, made opaque by the API layer. */
export interface AccountDirectory {
  listBySite(schoolSiteId: number, first: number, afterId: number | null): Promise<Page<EducatorAccount>>;
}
