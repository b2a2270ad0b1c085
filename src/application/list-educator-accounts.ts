import type { AccountStatus, EducatorAccount } from '../domain/educator/educator-account';
import { manages } from '../domain/role/account-creation-policy';
import type { RoleCode } from '../domain/role/role';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { AccessDenied } from './access-denied';
import type { Clock } from './ports/clock';
import type { AccountDirectory, AccountPage, AccountQuery, AccountSortField, SortDirection } from './ports/account-directory';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;
const EXPORT_PAGE_SIZE = 500;

export const pageSize = (first: number | null | undefined): number => Math.min(Math.max(first ?? DEFAULT_PAGE_SIZE, 0), MAX_PAGE_SIZE);

export interface AccountFilters {
  status?: AccountStatus | null;
  roleCode?: RoleCode | null;
  search?: string | null;
  sort?: { field: AccountSortField; direction: SortDirection } | null;
}

/** Oldest first unless asked otherwise: the order the list always had. */
const DEFAULT_SORT = { field: 'CREATED_AT', direction: 'ASC' } as const;

export class ListEducatorAccounts {
  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly directory: AccountDirectory,
    private readonly clock: Clock,
  ) {}

  /**
   * `schoolSiteId`: null when none was asked for (a District Admin's whole district, a Site Admin's own sites);
   * undefined when the id given did not decode, which names no site the actor manages.
   */
  async execute(
    actor: Actor,
    schoolSiteId: number | null | undefined,
    first: number | null | undefined,
    afterId: number | null,
    filters: AccountFilters = {},
  ): Promise<AccountPage & { totalCount: () => Promise<number> }> {
    const query = await this.queryFor(actor, schoolSiteId, filters);
    // Counted only when asked for: in a district of a million accounts the count costs more than the page.
    return { ...(await this.directory.list(query, pageSize(first), afterId)), totalCount: () => this.directory.countMatching(query) };
  }

  /** Every account of a query `queryFor` allowed, read a keyset page at a time (the CSV export): never the whole list in memory. */
  async *streamAll(query: AccountQuery): AsyncGenerator<EducatorAccount> {
    let afterId: number | null = null;
    for (;;) {
      const page = await this.directory.list(query, EXPORT_PAGE_SIZE, afterId);
      yield* page.nodes;
      if (!page.hasNextPage || page.nodes.length === 0) return;
      afterId = page.nodes.at(-1)!.id;
    }
  }

  /** The accounts the actor may list with these filters (AccessDenied beyond their authority); the CSV export walks the same query. */
  async queryFor(actor: Actor, schoolSiteId: number | null | undefined, filters: AccountFilters): Promise<AccountQuery> {
    const scope = await this.scopeOf(actor, schoolSiteId);
    return {
      districtId: actor.districtId,
      schoolSiteIds: scope,
      status: filters.status ?? null,
      roleCode: filters.roleCode ?? null,
      search: filters.search?.trim() || null,
      sort: filters.sort ?? DEFAULT_SORT,
      now: this.clock.now(),
    };
  }

  private async scopeOf(actor: Actor, schoolSiteId: number | null | undefined): Promise<number[] | null> {
    if (schoolSiteId === null) {
      if (actor.roleCode === 'DISTRICT_ADMIN') return null;
      if (actor.roleCode === 'SITE_ADMIN') return [...actor.schoolSiteIds];
      throw new AccessDenied();
    }
    const site = schoolSiteId === undefined ? null : await this.sites.findById(schoolSiteId);
    if (!site || !manages(actor, site)) throw new AccessDenied();
    return [site.id];
  }
}
