import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ListManagedSchoolSites } from '../../../application/list-managed-school-sites';
import type { SetSchoolSiteExternalId } from '../../../application/set-school-site-external-id';
import { UserError } from '../types/common.types';
import { SchoolSitePayload, SetSchoolSiteExternalIdInput } from '../types/roster.types';
import { viewerOf, type RequestContext } from '../context';
import { DistrictType, SchoolSiteType } from '../types/account.types';

@Resolver(() => SchoolSiteType)
export class SchoolSiteResolver {
  constructor(
    private readonly listSites: ListManagedSchoolSites,
    private readonly setExternalId: SetSchoolSiteExternalId,
  ) {}

  @Query(() => [SchoolSiteType], { description: 'The sites the viewer may manage.' })
  async schoolSites(@Ctx() context: RequestContext): Promise<SchoolSiteType[]> {
    const sites = await this.listSites.execute(viewerOf(context).actor);
    return sites.map((site) => SchoolSiteType.from(site, context.publicIds.encode('site', site.id)));
  }

  @Mutation(() => SchoolSitePayload, { description: 'A District Admin sets (or, empty, clears) the identifier their SIS knows a site of their district by.' })
  async setSchoolSiteExternalId(
    @Arg('input', () => SetSchoolSiteExternalIdInput) input: SetSchoolSiteExternalIdInput,
    @Ctx() context: RequestContext,
  ): Promise<SchoolSitePayload> {
    const outcome = await this.setExternalId.execute(viewerOf(context).actor, {
      schoolSiteId: context.publicIds.decode('site', input.schoolSiteId),
      externalId: input.externalId,
      clientAddress: context.clientAddress,
    });
    const site = outcome.schoolSite;
    return { schoolSite: site && SchoolSiteType.from(site, context.publicIds.encode('site', site.id)), userErrors: outcome.userErrors.map(UserError.from) };
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
