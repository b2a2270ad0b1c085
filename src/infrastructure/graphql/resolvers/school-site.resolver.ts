import { Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { ListManagedSchoolSites } from '../../../application/list-managed-school-sites';
import { viewerOf, type RequestContext } from '../context';
import { DistrictType, SchoolSiteType } from '../types/account.types';

@Resolver(() => SchoolSiteType)
export class SchoolSiteResolver {
  constructor(private readonly listSites: ListManagedSchoolSites) {}

  @Query(() => [SchoolSiteType], { description: 'The sites the viewer may manage.' })
  async schoolSites(@Ctx() context: RequestContext): Promise<SchoolSiteType[]> {
    const sites = await this.listSites.execute(viewerOf(context).actor);
    return sites.map((site) => SchoolSiteType.from(site, context.publicIds.encode('site', site.id)));
  }

  @FieldResolver(() => DistrictType)
  async district(@Root() site: SchoolSiteType, @Ctx() context: RequestContext): Promise<DistrictType> {
    const district = await context.loaders.districts.load(site.districtId);
    return DistrictType.from(district!, context.publicIds.encode('district', site.districtId));
  }

  @FieldResolver(() => Int, { description: 'Site Admins whose account has not expired; we advise 1–2.' })
  siteAdminCount(@Root() site: SchoolSiteType, @Ctx() context: RequestContext): Promise<number> {
    return context.loaders.siteAdminCounts.load(site.internalId);
  }
}
