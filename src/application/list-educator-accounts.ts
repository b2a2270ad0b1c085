import type { EducatorAccount } from '../domain/educator/educator-account';
import { manages } from '../domain/role/account-creation-policy';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { AccessDenied } from './access-denied';
import type { AccountDirectory, Page } from './ports/account-directory';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

export const pageSize = (first: number | null | undefined): number => Math.min(Math.max(first ?? DEFAULT_PAGE_SIZE, 0), MAX_PAGE_SIZE);

export class ListEducatorAccounts {
  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly directory: AccountDirectory,
  ) {}

  async execute(actor: Actor, schoolSiteId: number | undefined, first: number | null | undefined, afterId: number | null): Promise<Page<EducatorAccount>> {
    const site = schoolSiteId === undefined ? null : await this.sites.findById(schoolSiteId);
    if (!site || !manages(actor, site)) throw new AccessDenied();
    return this.directory.listBySite(site.id, pageSize(first), afterId);
  }
}
