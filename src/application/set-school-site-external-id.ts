import { externalIdFrom } from '../domain/school/external-id';
import type { SchoolSite, SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { SchoolSiteExternalIds } from './ports/school-site-external-ids';

export interface SetExternalIdRequest {
  schoolSiteId: number | undefined;
  externalId: string | null | undefined;
  clientAddress: string;
}

export type SetExternalIdOutcome = { schoolSite: SchoolSite | null; userErrors: DomainError[] };

/**
 * A District Admin gives a site of their district the identifier their SIS knows it by (the state's school code), so
 * that OneRoster imports find it whatever its name is in the export. An empty identifier clears it.
 */
export class SetSchoolSiteExternalId {
  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly externalIds: SchoolSiteExternalIds,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, request: SetExternalIdRequest): Promise<SetExternalIdOutcome> {
    const event = {
      action: 'SCHOOL_SITE_EXTERNAL_ID_SET' as const,
      actorAccountId: actor.accountId,
      districtId: actor.districtId,
      clientAddress: request.clientAddress,
    };
    const site = request.schoolSiteId === undefined ? null : await this.sites.findById(request.schoolSiteId);
    if (!site || actor.roleCode !== 'DISTRICT_ADMIN' || site.districtId !== actor.districtId) {
      await this.audit.record({ ...event, outcome: 'FORBIDDEN', at: this.clock.now() });
      throw new AccessDenied('You are not allowed to change that school site.');
    }
    const outcome = await this.set(site, request.externalId);
    const detail = outcome.schoolSite ? (outcome.schoolSite.externalId ?? 'cleared') : null;
    await this.audit.record({ ...event, outcome: outcome.userErrors[0]?.code ?? 'SUCCEEDED', at: this.clock.now(), schoolSiteId: site.id, detail });
    return outcome;
  }

  private async set(site: SchoolSite, typed: string | null | undefined): Promise<SetExternalIdOutcome> {
    const externalId = externalIdFrom(typed);
    if (!externalId.ok) return { schoolSite: null, userErrors: [externalId.error] };
    if ((await this.externalIds.set(site.id, externalId.value)) === 'TAKEN') {
      const message = `Another school site of your district already has the identifier ${externalId.value}. Clear it there first.`;
      return { schoolSite: null, userErrors: [refusal('EXTERNAL_ID_TAKEN', message, ['externalId'])] };
    }
    return { schoolSite: { ...site, externalId: externalId.value }, userErrors: [] };
  }
}
