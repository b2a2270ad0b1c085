import type { DataSource, EntityManager } from 'typeorm';
import type { AllowanceRequest, InvitationAllowances } from '../../application/ports/invitation-allowances';
import { RecentInvitations, type LimitReached } from '../../domain/educator/invitation-allowance';
import { ok, type Result } from '../../domain/shared/result';
import { InvitationAllowanceRecord } from './records/records';
import { dialectOf } from './data-source';
import { inConcurrentGroups } from './concurrent-groups';
import { isUniqueViolation, retryTransient } from './database-errors';

type Taken = Result<void, LimitReached>;

const keyOf = (request: AllowanceRequest): string => `${request.adminAccountId}:${request.kind}`;

/**
 * Each admin's row is locked (MySQL: SELECT … FOR UPDATE; SQLite: the file's single writer) while its takes are decided,
 * so concurrent creations in any number of API processes never count past the limit. Takes that arrive while others are
 * being decided share one transaction, as creations do.
 */
export class TypeOrmInvitationAllowances implements InvitationAllowances {
  private readonly takeInGroup: (request: AllowanceRequest) => Promise<Taken>;

  constructor(private readonly dataSource: DataSource) {
    const decide = (requests: AllowanceRequest[]) =>
      this.change<Taken>(requests, (recent, request) => {
        const taken = recent.take(request.amount, request.at, request.limit);
        return taken.ok ? { recent: taken.value, answer: ok(undefined) } : { recent, answer: taken };
      });
    this.takeInGroup = inConcurrentGroups(
      { together: decide, alone: async (request) => (await decide([request]))[0], mayRetryAloneAfter: () => true },
      { groupsInFlight: 1, largestGroup: 100 },
    );
  }

  take(request: AllowanceRequest): Promise<Taken> {
    return this.takeInGroup(request);
  }

  async giveBack(request: AllowanceRequest): Promise<void> {
    await this.change([request], (recent) => ({ recent: recent.giveBack(request.amount, request.at, request.limit), answer: undefined }));
  }

  /** Applies each request to its admin's row in order, in one transaction that holds the rows it reads. */
  private async change<A>(
    requests: AllowanceRequest[],
    apply: (recent: RecentInvitations, request: AllowanceRequest) => { recent: RecentInvitations; answer: A },
  ): Promise<A[]> {
    const run = () =>
      retryTransient(() =>
        this.dataSource.transaction(async (manager) => {
          const rows = await this.lockRows(manager, requests);
          const recent = new Map([...rows].map(([key, row]) => [key, RecentInvitations.restore(JSON.parse(row.recent) as [number, number][])]));
          const answers = requests.map((request) => {
            const changed = apply(recent.get(keyOf(request)) ?? RecentInvitations.none(), request);
            recent.set(keyOf(request), changed.recent);
            return changed.answer;
          });
          for (const request of new Map(requests.map((request) => [keyOf(request), request])).values()) {
            const record = { accountId: request.adminAccountId, kind: request.kind, recent: JSON.stringify(recent.get(keyOf(request))!.slices) };
            if (rows.has(keyOf(request)))
              await manager.update(InvitationAllowanceRecord, { accountId: record.accountId, kind: record.kind }, { recent: record.recent });
            else await manager.insert(InvitationAllowanceRecord, record);
          }
          return answers;
        }),
      );
    try {
      return await run();
    } catch (error) {
      // Another process wrote an admin's first row at the same moment: it exists now, and is locked like any other.
      if (!isUniqueViolation(error)) throw error;
      return run();
    }
  }

  private async lockRows(manager: EntityManager, requests: AllowanceRequest[]): Promise<Map<string, InvitationAllowanceRecord>> {
    const where = [...new Map(requests.map((request) => [keyOf(request), { accountId: request.adminAccountId, kind: request.kind }])).values()];
    const rows = await manager.find(InvitationAllowanceRecord, {
      where,
      order: { accountId: 'ASC', kind: 'ASC' },
      lock: dialectOf(this.dataSource) === 'mysql' ? { mode: 'pessimistic_write' } : undefined,
    });
    return new Map(rows.map((row) => [`${row.accountId}:${row.kind}`, row]));
  }
}
