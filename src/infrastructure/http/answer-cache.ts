import { Kind, OperationTypeNode, TypeInfo, parse, visit, visitWithTypeInfo, type GraphQLSchema } from 'graphql';
import type { Credentials, IdentifyActor, Viewer } from '../../application/identify-actor';
import type { EducatorAccount } from '../../domain/educator/educator-account';

/**
 * The viewer's account and their district's answers counter (its upload-log and accounts counters together), read in
 * one statement: each statement costs the API a loopback write and a wake-up of the database, the larger part of
 * answering from memory.
 */
export interface AnswerVersions {
  findByIdWithAnswersVersion(accountId: number): Promise<{ account: EducatorAccount | null; answersVersion: number }>;
}

/** A field an answer may hold and still be kept. */
export const KEPT = 'kept';

const kept = (...fields: string[]): Record<string, string> => Object.fromEntries(fields.map((field) => [field, KEPT]));

/**
 * Every field reachable from the cached root fields through kept fields, each either KEPT or why it is not. A kept
 * field reads only upload batches and their failures (which move the log's counter, upload-log-version.ts, whenever
 * they change), accounts (which move the accounts counter, account-list-version.ts, or the log's when a chunk or an
 * undo writes them), school site names and roles (which no mutation changes). Any other field makes the request run
 * every time. A test walks the schema from the roots and fails on a field missing here.
 */
export const KEPT_FIELDS: Record<string, Record<string, string>> = {
  Query: { uploadBatches: KEPT, uploadBatch: KEPT, educatorAccounts: KEPT },
  UploadBatchConnection: { nodes: KEPT, pageInfo: KEPT, totalCount: KEPT },
  UploadBatch: {
    ...kept(
      ...['id', 'fileName', 'status', 'dryRun', 'createdAt', 'startTime', 'endTime', 'totalRows', 'recordsProcessed', 'recordsCreated', 'recordsSkipped'],
      ...['recordsFailed', 'rejectionReason', 'failureReason', 'warnings', 'schoolSite', 'uploadedBy', 'failures'],
      // Written by the undo in the transaction that moves the log's counter (sql-upload-take-back.ts).
      ...['recordsRemoved', 'recordsKept'],
      // Written with the corrections and the run that follows a check, which move the log's counter (sql-check-follow-ups.ts).
      ...['rowsCorrected', 'createAccountsUntil', 'checkBatchId', 'createdAccountsBatchId', 'corrections'],
    ),
    undoPreview: 'counts accounts as they stand: a registration changes it without moving the log counter',
  },
  UploadFailureConnection: { nodes: KEPT, pageInfo: KEPT, totalCount: KEPT },
  UploadFailure: kept('lineNumber', 'code', 'type', 'email', 'message', 'reason', 'schoolName', 'fileName', 'cells', 'correction'),
  UploadRowCorrection: kept('lineNumber', 'firstName', 'lastName', 'email', 'userRole', 'correctedAt'),
  EducatorAccountConnection: { nodes: KEPT, pageInfo: KEPT, totalCount: KEPT },
  PageInfo: { hasNextPage: KEPT, endCursor: KEPT },
  Warning: { code: KEPT, message: KEPT },
  SchoolSite: {
    id: KEPT,
    name: KEPT,
    externalId: 'setSchoolSiteExternalId changes it without moving the counters',
    siteAdminCount: "the clock changes it (a Site Admin invitation expires), and its site need not be the viewer district's",
    district: 'a district is not an upload or an account: nothing ties its fields to the counters',
  },
  EducatorAccount: {
    ...kept('id', 'email', 'firstName', 'lastName', 'registrationDeadline', 'createdAt', 'role', 'schoolSites'),
    // The clock moves a pending account to EXPIRED without a write: an answer is kept at most maxAgeMs, so an expiry
    // shows that late at worst, and every action decides on the status as it stands.
    status: KEPT,
    district: 'a district is not an upload or an account: nothing ties its fields to the counters',
  },
  Role: kept('code', 'name', 'scope', 'bulkCreatable'),
};

const isKept = (typeName: string, fieldName: string): boolean => KEPT_FIELDS[typeName]?.[fieldName] === KEPT;

export interface AnswerCacheLimits {
  /** Bytes of answers kept in all; the least recently used go first. */
  maxBytes: number;
  /** A kept answer is not given after this long, whatever the counters say: the bound on a change made behind the service's back, in SQL. */
  maxAgeMs: number;
  /** Query texts whose keepability is remembered. */
  maxQueries: number;
  /** graphql-js's token limit for parsing, the same as Apollo's. */
  maxTokens: number;
}

/** A POST with a JSON body, as the cache needs to see it. */
export interface GraphQLJsonRequest {
  body: unknown;
  credentials: Credentials;
  accept: string | undefined;
}

/** An answer as built for a request: kept only if it is a 200 with JSON and no errors. */
export interface BuiltAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface CacheLookup {
  /** The viewer, when looking up the answer identified them (null: the credentials name no active account). */
  viewer?: Viewer | null;
  /** An answer kept from an earlier request, to be sent as it is. */
  kept?: { contentType: string; body: Buffer };
  /** Hands over the answer once built, to be kept if it may be. */
  keep?: (answer: BuiltAnswer) => void;
  /** Called once the request has been answered, kept or not: requests waiting for the same answer stop waiting. */
  settle?: () => void;
}

interface KeptAnswer {
  version: number;
  keptAt: number;
  contentType: string;
  body: Buffer;
}

/** An answer being built for a key: requests for the same key and counter wait for it rather than build it again. */
interface Building {
  version: number;
  built: Promise<KeptAnswer | null>;
  finish: (answer: KeptAnswer | null) => void;
}

/**
 * Answers the upload log, failure and accounts pages again from memory while nothing they show has changed: a
 * district's staff poll the log while files are processed and page through lists of up to a million accounts, and
 * building each again capped the API (ADR 0005, 0015). The viewer is identified on every request (a demotion or a
 * removal takes effect at once) and answers are kept per viewer and per authority, so nobody is ever given another
 * person's answer. Only answers without errors are kept.
 */
export class AnswerCache {
  private readonly keepable = new Map<string, boolean>();
  private readonly answers = new Map<string, KeptAnswer>();
  private readonly building = new Map<string, Building>();
  private bytes = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly identifyActor: IdentifyActor,
    private readonly versions: AnswerVersions,
    private readonly limits: AnswerCacheLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Before a JSON request is run: either the answer kept for it, or (for a keepable query) the viewer identified
   * while looking and a `keep` to hand the answer to once built. Anything else comes back empty and runs as usual.
   */
  async lookUp(request: GraphQLJsonRequest): Promise<CacheLookup> {
    const { body } = request;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
    const { query, variables, operationName, extensions } = body as Record<string, unknown>;
    if (typeof query !== 'string' || extensions !== undefined || !this.isKeepable(query)) return {};
    const holder = await this.identifyActor.accountIdOf(request.credentials);
    if (holder === null) return {};
    // Read before the answer is built: a change landing meanwhile can only make the kept answer newer than its counter says.
    const { account, answersVersion: version } = await this.versions.findByIdWithAnswersVersion(holder.accountId);
    const viewer = this.identifyActor.viewerFrom(account, holder);
    if (!viewer) return { viewer };
    const { actor } = viewer;
    const key = JSON.stringify([
      actor.accountId,
      actor.roleCode,
      actor.districtId,
      actor.schoolSiteIds,
      request.accept ?? '',
      operationName ?? null,
      variables ?? null,
      query,
    ]);
    const kept = this.answers.get(key);
    if (kept && kept.version === version && this.now() - kept.keptAt <= this.limits.maxAgeMs) {
      // Most recently used last, so the oldest is first to go.
      this.answers.delete(key);
      this.answers.set(key, kept);
      return { viewer, kept: { contentType: kept.contentType, body: kept.body } };
    }
    // A page asked for by many at once (50 staff after a change, or one refreshing often) is built once, not by each.
    const underWay = this.building.get(key);
    if (underWay?.version === version) {
      const built = await underWay.built;
      if (built) return { viewer, kept: { contentType: built.contentType, body: built.body } };
      return { viewer };
    }
    return { viewer, ...this.startBuilding(key, version) };
  }

  private startBuilding(key: string, version: number): Pick<CacheLookup, 'keep' | 'settle'> {
    let finish!: (answer: KeptAnswer | null) => void;
    const building: Building = { version, built: new Promise((resolve) => (finish = resolve)), finish };
    this.building.set(key, building);
    const settle = (answer: KeptAnswer | null): void => {
      if (this.building.get(key) === building) this.building.delete(key);
      building.finish(answer);
    };
    return { keep: (answer) => settle(this.keep(key, version, answer)), settle: () => settle(null) };
  }

  /** One operation, a query, whose every field is keepable; syntax errors and unknown fields are Apollo's to report. */
  private isKeepable(query: string): boolean {
    let keepable = this.keepable.get(query);
    if (keepable === undefined) {
      keepable = this.onlyKeepableFields(query);
      if (this.keepable.size >= this.limits.maxQueries) this.keepable.delete(this.keepable.keys().next().value!);
      this.keepable.set(query, keepable);
    }
    return keepable;
  }

  private onlyKeepableFields(query: string): boolean {
    let document;
    try {
      document = parse(query, { maxTokens: this.limits.maxTokens, noLocation: true });
    } catch {
      return false;
    }
    const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1 || operations[0].operation !== OperationTypeNode.QUERY) return false;
    let keepable = true;
    const typeInfo = new TypeInfo(this.schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          const parent = typeInfo.getParentType();
          if (field.name.value === '__typename') return;
          if (!parent || !isKept(parent.name, field.name.value)) keepable = false;
        },
      }),
    );
    return keepable;
  }

  private keep(key: string, version: number, answer: BuiltAnswer): KeptAnswer | null {
    if (answer.status !== 200 || !answer.contentType.includes('json')) return null;
    const body = Buffer.from(answer.body);
    if (body.length > this.limits.maxBytes / 8 || hasErrors(body)) return null;
    this.forget(key);
    const kept = { version, keptAt: this.now(), contentType: answer.contentType, body };
    this.answers.set(key, kept);
    this.bytes += body.length;
    for (const oldest of this.answers.keys()) {
      if (this.bytes <= this.limits.maxBytes) break;
      this.forget(oldest);
    }
    return kept;
  }

  private forget(key: string): void {
    const kept = this.answers.get(key);
    if (!kept) return;
    this.bytes -= kept.body.length;
    this.answers.delete(key);
  }
}

const hasErrors = (body: Buffer): boolean => {
  try {
    return (JSON.parse(body.toString('utf8')) as { errors?: unknown }).errors !== undefined;
  } catch {
    return true;
  }
};
