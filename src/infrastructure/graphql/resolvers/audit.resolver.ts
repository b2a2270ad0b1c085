import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { ListAuditEvents } from '../../../application/list-audit-events';
import type { RecordedAuditEvent } from '../../../application/ports/audit-log';
import type { EducatorAccount } from '../../../domain/educator/educator-account';
import type { SchoolSite } from '../../../domain/school/school-site';
import { viewerOf, type RequestContext } from '../context';
import { AuditEventConnection, AuditEventsArgs, AuditEventType, type AuditAccountType } from '../types/audit.types';
import { decodeCursor, encodeCursor, loadEach, presentSite } from './presenters';

@Resolver(() => AuditEventType)
export class AuditResolver {
  constructor(private readonly listEvents: ListAuditEvents) {}

  @Query(() => AuditEventConnection, { description: "What was done and tried (District Admin: their district's; Site Admin: their sites'), newest first." })
  async auditEvents(@Args(() => AuditEventsArgs) args: AuditEventsArgs, @Ctx() context: RequestContext): Promise<AuditEventConnection> {
    const { actor } = viewerOf(context);
    const decoded = (kind: 'site' | 'account', id: string | null | undefined) => (id ? context.publicIds.decode(kind, id) : null);
    const actorAccountId = decoded('account', args.actorAccountId);
    const page = await this.listEvents.execute(
      actor,
      {
        schoolSiteId: decoded('site', args.schoolSiteId),
        action: args.action ?? undefined,
        // An actor id we did not issue names nobody: an empty page, as for an account with no events.
        actorAccountId: actorAccountId === null ? undefined : (actorAccountId ?? -1),
        search: args.search ?? undefined,
        from: args.from ?? undefined,
        to: args.to ?? undefined,
      },
      args.first,
      decodeCursor(context, args.after),
    );
    const accounts = await loadEach(
      context.loaders.accounts,
      page.nodes.flatMap((event) => [event.actorAccountId, event.targetAccountId ?? null]).filter(isId),
    );
    const sites = await loadEach(context.loaders.sites, page.nodes.map((event) => event.schoolSiteId ?? null).filter(isId));
    const last = page.nodes.at(-1);
    return {
      nodes: page.nodes.map((event) => present(context, event, accounts, sites)),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(context, last.id) : null },
      totalCount: page.totalCount,
    };
  }
}

const isId = (id: number | null): id is number => id !== null;

const present = (
  context: RequestContext,
  event: RecordedAuditEvent,
  accounts: Map<number, EducatorAccount>,
  sites: Map<number, SchoolSite>,
): AuditEventType => {
  const account = (id: number | null | undefined): AuditAccountType | null => {
    const found = id === null || id === undefined ? undefined : accounts.get(id);
    return found
      ? { id: context.publicIds.encode('account', found.id!), email: found.email.value, name: `${found.snapshot.firstName} ${found.snapshot.lastName}` }
      : null;
  };
  const actor = account(event.actorAccountId);
  const site = event.schoolSiteId === null || event.schoolSiteId === undefined ? undefined : sites.get(event.schoolSiteId);
  return Object.assign(new AuditEventType(), {
    id: context.publicIds.encode('cursor', event.id),
    occurredAt: event.at,
    action: event.action,
    outcome: event.outcome,
    actor,
    actorEmail: event.actorEmail ?? actor?.email ?? null,
    targetAccount: account(event.targetAccountId),
    targetBatchId: event.targetBatchId === null || event.targetBatchId === undefined ? null : context.publicIds.encode('batch', event.targetBatchId),
    schoolSite: site ? presentSite(context, site) : null,
    clientAddress: event.clientAddress,
    detail: event.detail ?? null,
  });
};
