import type { AuditEvent, AuditTrail } from '../../src/application/ports/audit-trail';
import type { SignInMetrics, SignInRefusal } from '../../src/application/ports/metrics';
import { accountStatus, EducatorAccount, type EducatorAccountState } from '../../src/domain/educator/educator-account';
import type { EducatorAccountRepository } from '../../src/domain/educator/educator-account-repository';
import { queuedInvitation, type QueuedEmail } from '../../src/domain/educator/invitation';
import type { District, SchoolSite, SchoolSiteRepository } from '../../src/domain/school/school-site';
import { fail, ok, refusal, type DomainError, type Result } from '../../src/domain/shared/result';
import type { AccountDirectory, AccountPage, AccountQuery } from '../../src/application/ports/account-directory';
import type { AttemptThrottle, ThrottledAttempt } from '../../src/application/ports/attempt-throttle';
import type { AllowanceRequest, InvitationAllowances } from '../../src/application/ports/invitation-allowances';
import { RecentInvitations, type LimitReached } from '../../src/domain/educator/invitation-allowance';
import type { BrowserSessions } from '../../src/application/ports/browser-sessions';
import type { PageLinks } from '../../src/application/ports/page-links';
import type { BrowserSession } from '../../src/domain/session/browser-session';
import type { Clock } from '../../src/application/ports/clock';
import type { RandomSource } from '../../src/application/ports/random-source';
import type { PasswordHasher } from '../../src/application/ports/password-hasher';
import type { CodeHolder, RegistrationCodes } from '../../src/application/ports/registration-codes';
import type { TokenClaims, TokenIssuer } from '../../src/application/ports/token-issuer';
import type { PasswordResets } from '../../src/application/ports/password-resets';
import type { PasswordReset } from '../../src/domain/educator/password-reset';
import type { AccountCreation, AgreementAcceptance, TransactionalStores, UnitOfWork, WrittenCreation } from '../../src/application/ports/unit-of-work';
import type { Fingerprint, IdempotencyKey, IdempotencyKeys, KeyedResult, StartFingerprint } from '../../src/application/ports/idempotency-keys';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The same numbers every time, so that a test's hashes are the same on every run. */
export class FixedRandomSource implements RandomSource {
  uint32s(count: number): Uint32Array {
    return Uint32Array.from({ length: count }, (_, index) => 0x9e3779b9 * (index + 1));
  }
}

export class FixedClock implements Clock {
  private current: Date;

  constructor(start: Date | string = '2026-09-01T08:00:00.000Z') {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * DAY_MS);
  }

  advanceMs(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Stores copies of the state, as a database would: a found account is a new object, never the saved one. */
export class InMemoryEducatorAccountRepository implements EducatorAccountRepository, AccountDirectory {
  private readonly rows = new Map<number, EducatorAccountState>();
  private nextId = 1;

  async findById(id: number): Promise<EducatorAccount | null> {
    const row = this.rows.get(id);
    return row ? EducatorAccount.restore(row) : null;
  }

  async findByEmail(normalizedEmail: string): Promise<EducatorAccount | null> {
    const row = [...this.rows.values()].find((state) => state.email.normalized === normalizedEmail);
    return row ? EducatorAccount.restore(row) : null;
  }

  async save(account: EducatorAccount): Promise<Result<number, DomainError>> {
    const state = account.snapshot;
    const clash = [...this.rows.values()].find((row) => row.email.normalized === state.email.normalized && row.id !== state.id);
    if (clash) return fail(refusal('EMAIL_TAKEN', 'Email has already been taken.', ['email']));
    const id = state.id ?? this.nextId++;
    this.rows.set(id, { ...state, id, schoolSiteIds: [...state.schoolSiteIds] });
    return ok(id);
  }

  async saveRegistration(account: EducatorAccount): Promise<boolean> {
    const stored = this.rows.get(account.id!);
    if (!stored || stored.registeredAt !== null || stored.createdAt.getTime() !== account.createdAt.getTime()) return false;
    const { registeredAt, passwordHash } = account.snapshot;
    this.rows.set(account.id!, { ...stored, registeredAt, passwordHash });
    return true;
  }

  async savePassword(account: EducatorAccount): Promise<void> {
    const stored = this.rows.get(account.id!);
    if (stored) this.rows.set(account.id!, { ...stored, passwordHash: account.passwordHash, credentialsVersion: account.credentialsVersion });
  }

  async saveActivation(account: EducatorAccount): Promise<void> {
    const stored = this.rows.get(account.id!);
    if (stored) this.rows.set(account.id!, { ...stored, deactivatedAt: account.snapshot.deactivatedAt, credentialsVersion: account.credentialsVersion });
  }

  async countActiveSiteAdmins(schoolSiteId: number, now: Date): Promise<number> {
    return [...this.rows.values()].filter(
      (row) =>
        row.roleCode === 'SITE_ADMIN' &&
        row.deactivatedAt === null &&
        row.schoolSiteIds.includes(schoolSiteId) &&
        (row.registeredAt !== null || row.registrationDeadline.getTime() >= now.getTime()),
    ).length;
  }

  async countMatching(query: AccountQuery): Promise<number> {
    return this.matching(query).length;
  }

  async list(query: AccountQuery, first: number, afterId: number | null): Promise<AccountPage> {
    const matching = this.matching(query);
    const key = (row: EducatorAccountState): (string | number)[] =>
      ({
        NAME: [row.lastName.toLowerCase(), row.firstName.toLowerCase(), row.id!],
        EMAIL: [row.email.normalized, row.id!],
        CREATED_AT: [row.createdAt.getTime(), row.id!],
      })[query.sort.field];
    const compare = (a: EducatorAccountState, b: EducatorAccountState): number => {
      const [left, right] = [key(a), key(b)];
      const index = left.findIndex((value, position) => value !== right[position]);
      const order = index === -1 ? 0 : left[index] < right[index] ? -1 : 1;
      return query.sort.direction === 'ASC' ? order : -order;
    };
    const sorted = matching.sort(compare);
    const cursor = afterId === null ? -1 : sorted.findIndex((row) => row.id === afterId);
    const after = sorted.slice(cursor + 1);
    return { nodes: after.slice(0, first).map((row) => EducatorAccount.restore(row)), hasNextPage: after.length > first };
  }

  private matching(query: AccountQuery): EducatorAccountState[] {
    const prefix = query.search?.toLowerCase();
    return [...this.rows.values()].filter(
      (row) =>
        row.districtId === query.districtId &&
        (query.schoolSiteIds === null || row.schoolSiteIds.some((id) => query.schoolSiteIds!.includes(id))) &&
        (query.status === null || accountStatus(row, query.now) === query.status) &&
        (query.roleCode === null || row.roleCode === query.roleCode) &&
        (!prefix || [row.firstName, row.lastName, row.email.normalized].some((text) => text.toLowerCase().startsWith(prefix))),
    );
  }

  /** Test-side view of what is stored. */
  all(): EducatorAccountState[] {
    return [...this.rows.values()].map((row) => ({ ...row, schoolSiteIds: [...row.schoolSiteIds] }));
  }

  count(): number {
    return this.rows.size;
  }

  snapshotRows(): Map<number, EducatorAccountState> {
    return new Map(this.rows);
  }

  restoreRows(rows: Map<number, EducatorAccountState>): void {
    this.rows.clear();
    for (const [id, row] of rows) this.rows.set(id, row);
  }
}

export class InMemorySchoolSiteRepository implements SchoolSiteRepository {
  private readonly sites: SchoolSite[] = [];
  private readonly districts: District[] = [];

  addDistrict(district: District): this {
    this.districts.push(district);
    return this;
  }

  addSite(site: SchoolSite): this {
    this.sites.push(site);
    return this;
  }

  async findByIds(ids: number[]): Promise<SchoolSite[]> {
    return this.sites.filter((site) => ids.includes(site.id)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async findById(id: number): Promise<SchoolSite | null> {
    return this.sites.find((site) => site.id === id) ?? null;
  }

  async findDistrict(id: number): Promise<District | null> {
    return this.districts.find((district) => district.id === id) ?? null;
  }

  async listForDistrict(districtId: number): Promise<SchoolSite[]> {
    return this.sites.filter((site) => site.districtId === districtId).sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** Readable "digests": the text fed in, so that a test can see what told two requests apart. */
export const textFingerprint: StartFingerprint = () => {
  let text = '';
  const fingerprint: Fingerprint = {
    update: (data) => {
      text += String(data);
      return fingerprint;
    },
    digest: () => text,
  };
  return fingerprint;
};

export class InMemoryIdempotencyKeys implements IdempotencyKeys {
  readonly rows = new Map<string, KeyedResult>();

  async find(key: IdempotencyKey): Promise<KeyedResult | null> {
    return this.rows.get(keyName(key)) ?? null;
  }
}

const keyName = (key: IdempotencyKey): string => `${key.ownerAccountId}:${key.key}`;

/** All-or-nothing like the real one: a work that throws leaves accounts, emails, agreements and keys as they were. */
export class InMemoryUnitOfWork implements UnitOfWork {
  readonly emails: { queued: QueuedEmail; queuedAt: Date }[] = [];
  readonly agreements: AgreementAcceptance[] = [];
  readonly keys = new InMemoryIdempotencyKeys();
  /** How many times the use case looked into the database within a transaction (the path for an email in use). */
  transactions = 0;

  constructor(readonly accounts: InMemoryEducatorAccountRepository) {}

  async run<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T> {
    this.transactions += 1;
    return this.allOrNothing(() => work({ accounts: this.accounts, idempotencyKeys: this.keys, writeCreation: (creation) => this.write(creation) }));
  }

  writeCreation(creation: AccountCreation): Promise<Result<WrittenCreation, DomainError>> {
    return this.allOrNothing(() => this.write(creation));
  }

  private async write(creation: AccountCreation): Promise<Result<WrittenCreation, DomainError>> {
    const key = creation.idempotency;
    if (key && this.keys.rows.has(keyName(key))) return fail(refusal('IDEMPOTENCY_KEY_TAKEN', 'Key taken.', ['idempotencyKey']));
    const saved = await this.accounts.save(creation.account);
    if (!saved.ok) return saved;
    const accountId = saved.value;
    if (key) this.keys.rows.set(keyName(key), { requestDigest: key.requestDigest, accountId, batchId: null });
    this.agreements.push({ ...creation.acceptance, subjectAccountId: accountId });
    this.emails.push({ queued: queuedInvitation({ ...creation.invitation, accountId }), queuedAt: creation.acceptance.acceptedAt });
    const siteId = creation.countSiteAdminsOf;
    return ok({ accountId, activeSiteAdmins: siteId === null ? null : await this.accounts.countActiveSiteAdmins(siteId, creation.acceptance.acceptedAt) });
  }

  private async allOrNothing<T>(work: () => Promise<T>): Promise<T> {
    const rowsBefore = this.accounts.snapshotRows();
    const emailsBefore = this.emails.length;
    const agreementsBefore = this.agreements.length;
    const keysBefore = new Map(this.keys.rows);
    try {
      return await work();
    } catch (error) {
      this.accounts.restoreRows(rowsBefore);
      this.emails.length = emailsBefore;
      this.agreements.length = agreementsBefore;
      this.keys.rows.clear();
      for (const [name, row] of keysBefore) this.keys.rows.set(name, row);
      throw error;
    }
  }
}

/** Counts failures per key with no clock: a key that reached its limit refuses until a success clears the account's. */
export class InMemoryAttemptThrottle implements AttemptThrottle {
  readonly failures = new Map<string, number>();

  constructor(
    private readonly failuresPerAccount = 5,
    private readonly failuresPerAddress = 20,
  ) {}

  async reserve(attempt: ThrottledAttempt): Promise<boolean> {
    if (await this.isBlocked(attempt)) return false;
    for (const key of [accountKey(attempt), addressKey(attempt)]) this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    return true;
  }

  async succeeded(attempt: ThrottledAttempt): Promise<void> {
    this.failures.delete(accountKey(attempt));
    this.failures.set(addressKey(attempt), (this.failures.get(addressKey(attempt)) ?? 1) - 1);
  }

  async isBlocked(attempt: ThrottledAttempt): Promise<boolean> {
    return (this.failures.get(accountKey(attempt)) ?? 0) >= this.failuresPerAccount || (this.failures.get(addressKey(attempt)) ?? 0) >= this.failuresPerAddress;
  }

  async forgetAccount(account: string): Promise<void> {
    for (const action of ['sign-in', 'register', 'reset-password'] as const) this.failures.delete(`${action}:account:${account}`);
  }

  failuresFor(action: ThrottledAttempt['action'], account: string): number {
    return this.failures.get(`${action}:account:${account}`) ?? 0;
  }
}

const accountKey = (attempt: ThrottledAttempt): string => `${attempt.action}:account:${attempt.account}`;
const addressKey = (attempt: ThrottledAttempt): string => `${attempt.action}:address:${attempt.address}`;

/** The domain's rolling count per admin and kind, kept in memory. */
export class InMemoryInvitationAllowances implements InvitationAllowances {
  private readonly recent = new Map<string, RecentInvitations>();

  async take(request: AllowanceRequest): Promise<Result<void, LimitReached>> {
    const taken = this.of(request).take(request.amount, request.at, request.limit);
    if (!taken.ok) return taken;
    this.recent.set(`${request.adminAccountId}:${request.kind}`, taken.value);
    return ok(undefined);
  }

  async giveBack(request: AllowanceRequest): Promise<void> {
    this.recent.set(`${request.adminAccountId}:${request.kind}`, this.of(request).giveBack(request.amount, request.at, request.limit));
  }

  private of(request: Pick<AllowanceRequest, 'adminAccountId' | 'kind'>): RecentInvitations {
    return this.recent.get(`${request.adminAccountId}:${request.kind}`) ?? RecentInvitations.none();
  }
}

/** Readable "hashes" so tests can see what was stored; counts decoy verifications of unknown users. */
export class FakePasswordHasher implements PasswordHasher {
  decoyVerifications = 0;
  verifications = 0;

  async hash(password: string): Promise<string> {
    return `hashed(${password})`;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    this.verifications += 1;
    return hash === `hashed(${password})`;
  }

  async verifyNothing(): Promise<void> {
    this.decoyVerifications += 1;
  }
}

/** Predictable codes CODE-<id>-<second of creation>; matching ignores case, spaces and dashes like the real one. */
export class FakeRegistrationCodes implements RegistrationCodes {
  codeFor(holder: CodeHolder): string {
    return `CODE-${String(holder.id).padStart(4, '0')}-${String(Math.floor(holder.createdAt.getTime() / 1000) % 10_000).padStart(4, '0')}`;
  }

  matches(code: string, holder: CodeHolder): boolean {
    const canonical = (typed: string): string => typed.toUpperCase().replace(/[^A-Z0-9]/g, '');
    return canonical(code) === canonical(this.codeFor(holder));
  }
}

export class FakeTokenIssuer implements TokenIssuer {
  issue(accountId: number, credentialsVersion: number): string {
    return credentialsVersion === 0 ? `token-for-${accountId}` : `token-for-${accountId}-v${credentialsVersion}`;
  }

  verify(token: string): TokenClaims | null {
    const match = /^token-for-(\d+)(?:-v(\d+))?$/.exec(token);
    return match ? { accountId: Number(match[1]), credentialsVersion: Number(match[2] ?? 0) } : null;
  }
}

/** Sessions by their secret (`secret-1`, `secret-2`, …), with the expiry each write gave them; counts the writes of use. */
export class InMemoryBrowserSessions implements BrowserSessions {
  readonly sessions = new Map<string, BrowserSession & { expiresAt: Date }>();
  renewals = 0;
  private issued = 0;

  async start(session: BrowserSession, expiresAt: Date): Promise<string> {
    const secret = `secret-${++this.issued}`;
    this.sessions.set(secret, { ...session, expiresAt });
    return secret;
  }

  async find(secret: string): Promise<BrowserSession | null> {
    const found = this.sessions.get(secret);
    return found ? { accountId: found.accountId, startedAt: found.startedAt, lastUsedAt: found.lastUsedAt } : null;
  }

  async renew(secret: string, lastUsedAt: Date, expiresAt: Date): Promise<void> {
    this.renewals += 1;
    const found = this.sessions.get(secret);
    if (found) this.sessions.set(secret, { ...found, lastUsedAt, expiresAt });
  }

  async end(secret: string): Promise<boolean> {
    return this.sessions.delete(secret);
  }

  async endAllOf(accountId: number, keeping?: string): Promise<number> {
    const ended = [...this.sessions].filter(([secret, session]) => session.accountId === accountId && secret !== keeping);
    for (const [secret] of ended) this.sessions.delete(secret);
    return ended.length;
  }

  async removeExpired(now: Date): Promise<number> {
    const lapsed = [...this.sessions].filter(([, session]) => session.expiresAt.getTime() <= now.getTime());
    for (const [secret] of lapsed) this.sessions.delete(secret);
    return lapsed.length;
  }
}

/** Requests by id, the latest of each account kept; the emails it would queue, in order. */
export class InMemoryPasswordResets implements PasswordResets {
  readonly resets = new Map<number, PasswordReset>();
  readonly queued: { to: string; resetId: number }[] = [];
  private nextId = 1;

  async start(account: { id: number; email: string }, requestedAt: Date, expiresAt: Date): Promise<void> {
    for (const [id, reset] of this.resets) if (reset.accountId === account.id) this.resets.delete(id);
    const id = this.nextId++;
    this.resets.set(id, { id, accountId: account.id, requestedAt, expiresAt, usedAt: null });
    this.queued.push({ to: account.email, resetId: id });
  }

  async latestOf(accountId: number): Promise<PasswordReset | null> {
    return [...this.resets.values()].filter((reset) => reset.accountId === accountId).pop() ?? null;
  }

  async markUsed(resetId: number, at: Date): Promise<boolean> {
    const reset = this.resets.get(resetId);
    if (!reset || reset.usedAt) return false;
    this.resets.set(resetId, { ...reset, usedAt: at });
    return true;
  }
}

export class FakePageLinks implements PageLinks {
  registration(email: string, registrationCode: string): string {
    return `https://page.example/register#email=${email}&code=${registrationCode}`;
  }

  passwordReset(email: string): string {
    return `https://page.example/reset-password#email=${email}`;
  }

  uploadBatch(batchId: number): string {
    return `https://page.example/batches/${batchId}`;
  }
}

/** Awaits a promise that must reject and returns the rejection, so tests can assert on it. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved');
};

/** Remembers every sign-in refusal it was told of, in order. */
export class RecordingSignInMetrics implements SignInMetrics {
  readonly refusals: SignInRefusal[] = [];

  signInRefused(code: SignInRefusal): void {
    this.refusals.push(code);
  }
}

export class RecordingAuditTrail implements AuditTrail {
  readonly events: AuditEvent[] = [];

  record(event: AuditEvent): Promise<void> {
    this.events.push(event);
    return Promise.resolve();
  }
}
