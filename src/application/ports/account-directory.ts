import type { AccountStatus, EducatorAccount } from '../../domain/educator/educator-account';
import type { RoleCode } from '../../domain/role/role';

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  totalCount: number;
}

export type AccountSortField = 'NAME' | 'EMAIL' | 'CREATED_AT';
export type SortDirection = 'ASC' | 'DESC';

/** Which accounts, decided by the use case from the actor's authority and the filters asked for. */
export interface AccountQuery {
  districtId: number;
  /** null: the whole district; otherwise accounts with a membership at one of these sites. */
  schoolSiteIds: number[] | null;
  status: AccountStatus | null;
  roleCode: RoleCode | null;
  /** Matches the start of first name, last name or email, ignoring case. */
  search: string | null;
  sort: { field: AccountSortField; direction: SortDirection };
  now: Date;
}

/** A page of accounts; how many match in all is counted apart (countMatching), only when asked for. */
export type AccountPage = Omit<Page<EducatorAccount>, 'totalCount'>;

/** Read side for account listings; cursors are internal ids (of the last account of a page), made opaque by the API layer. */
export interface AccountDirectory {
  list(query: AccountQuery, first: number, afterId: number | null): Promise<AccountPage>;
  countMatching(query: AccountQuery): Promise<number>;
}
