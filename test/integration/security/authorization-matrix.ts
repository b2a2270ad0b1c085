/**
 * Who may do what, and where: every root Query, Mutation and Subscription field of the schema and every HTTP route,
 * for every kind of viewer, at every scope the operation has. authorization-matrix.test.ts turns each
 * cell into one test against the real server, and fails when the schema or the HTTP app has an entry
 * point this matrix does not name (deny by default: a new field is refused until someone decides here).
 */

export const ACTORS = ['anonymous', 'educator', 'counselor', 'siteAdmin', 'districtAdmin', 'otherDistrictAdmin'] as const;
export type ActorName = (typeof ACTORS)[number];

/**
 * Where the site the request is about lies, seen from the actor. For the demo district's people (and for
 * anonymous) that is Demo Partner High, Demo Middle School and a site of a second district; for the
 * second district's District Admin it is their own two sites and Demo Partner High.
 */
export const SCOPES = ['ownSite', 'otherSiteInDistrict', 'otherDistrict'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * How a signed-in actor shows who they are: a bearer token from signIn, or the session cookie from startSession (for
 * anonymous: none at all, or a cookie that names no session). Every guarded cell is checked with each, and must
 * answer the same; public entry points answer the same whoever asks and are checked once, with bearer tokens.
 */
export const CREDENTIALS = ['bearerToken', 'sessionCookie'] as const;
export type CredentialKind = (typeof CREDENTIALS)[number];

export type Outcome =
  /** Answered with exactly what was asked; for a mutation, written. */
  | 'allowed'
  /** A list is answered, without the scope's item in it. */
  | 'absent'
  /** A list is answered, and it is empty. */
  | 'empty'
  /** Reads as absent: null and no error, the same answer as for an id that names nothing. */
  | 'null'
  /** GraphQL errors; nothing is written, and FORBIDDEN reads the same as for an id that names nothing. */
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  /** HTTP statuses; a 404 body is the same as for an id that names nothing. */
  | '401'
  | '404';

export type PerScope = Readonly<Record<Scope, Outcome>>;

/** How the operation is called in one case (the test holds one probe per case name). */
export type UnscopedCases = Readonly<Record<string, Readonly<Record<ActorName, Outcome>>>>;
export type ScopedCases = Readonly<Record<string, Readonly<Record<ActorName, PerScope>>>>;

export type Entry =
  /** Anyone may call it, signed in or not; it answers on its own terms (e.g. INVALID_CREDENTIALS). */
  | { readonly access: 'public' }
  | { readonly access: 'guarded'; readonly scoped: false; readonly cases: UnscopedCases }
  | { readonly access: 'guarded'; readonly scoped: true; readonly cases: ScopedCases };

export interface AuthorizationMatrix {
  readonly Query: Readonly<Record<string, Entry>>;
  readonly Mutation: Readonly<Record<string, Entry>>;
  /** Subscribed to over the live-update stream (/graphql/stream). */
  readonly Subscription: Readonly<Record<string, Entry>>;
  /** "METHOD /path" as the Express app registers it. */
  readonly HTTP: Readonly<Record<string, Entry>>;
}

const everywhere = (outcome: Outcome): PerScope => ({ ownSite: outcome, otherSiteInDistrict: outcome, otherDistrict: outcome });
/** A Site Admin's reach: their own site only. */
const ownSiteOnly = (elsewhere: Outcome): PerScope => ({ ownSite: 'allowed', otherSiteInDistrict: elsewhere, otherDistrict: elsewhere });
/** A District Admin's reach: every site of their district, none of another. */
const ownDistrictOnly = (elsewhere: Outcome): PerScope => ({ ownSite: 'allowed', otherSiteInDistrict: 'allowed', otherDistrict: elsewhere });

/** Site and District Admins within their reach; everyone else signed in, and beyond that reach, gets `elsewhere`. */
const adminsWithinReach = (elsewhere: Outcome): Readonly<Record<ActorName, PerScope>> => ({
  anonymous: everywhere('UNAUTHENTICATED'),
  educator: everywhere(elsewhere),
  counselor: everywhere(elsewhere),
  siteAdmin: ownSiteOnly(elsewhere),
  districtAdmin: ownDistrictOnly(elsewhere),
  otherDistrictAdmin: ownDistrictOnly(elsewhere),
});

/** District Admins within their district; everyone else signed in, and beyond it, gets `elsewhere`. */
const districtAdminsWithinReach = (elsewhere: Outcome): Readonly<Record<ActorName, PerScope>> => ({
  anonymous: everywhere('UNAUTHENTICATED'),
  educator: everywhere(elsewhere),
  counselor: everywhere(elsewhere),
  siteAdmin: everywhere(elsewhere),
  districtAdmin: ownDistrictOnly(elsewhere),
  otherDistrictAdmin: ownDistrictOnly(elsewhere),
});

const everyoneSignedIn: Readonly<Record<ActorName, Outcome>> = {
  anonymous: 'UNAUTHENTICATED',
  educator: 'allowed',
  counselor: 'allowed',
  siteAdmin: 'allowed',
  districtAdmin: 'allowed',
  otherDistrictAdmin: 'allowed',
};

export const AUTHORIZATION_MATRIX: AuthorizationMatrix = {
  Query: {
    me: { access: 'guarded', scoped: false, cases: { "the viewer's own account": everyoneSignedIn } },
    roles: { access: 'guarded', scoped: false, cases: { 'the six roles': everyoneSignedIn, 'the roles the viewer may grant': everyoneSignedIn } },
    educatorAccountTemplate: { access: 'guarded', scoped: false, cases: { 'the header line': everyoneSignedIn } },
    schoolSites: {
      access: 'guarded',
      scoped: true,
      cases: {
        "whether the scope's site is listed": {
          anonymous: everywhere('UNAUTHENTICATED'),
          educator: everywhere('empty'),
          counselor: everywhere('empty'),
          siteAdmin: ownSiteOnly('absent'),
          districtAdmin: ownDistrictOnly('absent'),
          otherDistrictAdmin: ownDistrictOnly('absent'),
        },
      },
    },
    educatorAccounts: {
      access: 'guarded',
      scoped: true,
      cases: {
        "schoolSiteId: the scope's site": {
          anonymous: everywhere('UNAUTHENTICATED'),
          educator: everywhere('FORBIDDEN'),
          counselor: everywhere('FORBIDDEN'),
          siteAdmin: ownSiteOnly('FORBIDDEN'),
          districtAdmin: ownDistrictOnly('FORBIDDEN'),
          otherDistrictAdmin: ownDistrictOnly('FORBIDDEN'),
        },
        "schoolSiteId omitted: whether the scope's site's account is listed": {
          anonymous: everywhere('UNAUTHENTICATED'),
          educator: everywhere('FORBIDDEN'),
          counselor: everywhere('FORBIDDEN'),
          siteAdmin: ownSiteOnly('absent'),
          districtAdmin: ownDistrictOnly('absent'),
          otherDistrictAdmin: ownDistrictOnly('absent'),
        },
      },
    },
    rosterImport: {
      access: 'guarded',
      scoped: true,
      cases: {
        "id: a roster import of the scope's district": {
          anonymous: everywhere('UNAUTHENTICATED'),
          educator: everywhere('null'),
          counselor: everywhere('null'),
          siteAdmin: everywhere('null'),
          districtAdmin: ownDistrictOnly('null'),
          otherDistrictAdmin: ownDistrictOnly('null'),
        },
      },
    },
    uploadBatch: {
      access: 'guarded',
      scoped: true,
      cases: {
        "id: the batch of the scope's site": {
          anonymous: everywhere('UNAUTHENTICATED'),
          educator: everywhere('null'),
          counselor: everywhere('null'),
          siteAdmin: ownSiteOnly('null'),
          districtAdmin: ownDistrictOnly('null'),
          otherDistrictAdmin: ownDistrictOnly('null'),
        },
      },
    },
    uploadBatches: {
      access: 'guarded',
      scoped: true,
      cases: {
        "schoolSiteId: the scope's site": {
          anonymous: everywhere('UNAUTHENTICATED'),
          educator: everywhere('FORBIDDEN'),
          counselor: everywhere('FORBIDDEN'),
          siteAdmin: ownSiteOnly('FORBIDDEN'),
          districtAdmin: ownDistrictOnly('FORBIDDEN'),
          otherDistrictAdmin: ownDistrictOnly('FORBIDDEN'),
        },
        "schoolSiteId omitted: whether the scope's batch is listed": {
          anonymous: everywhere('UNAUTHENTICATED'),
          educator: everywhere('FORBIDDEN'),
          counselor: everywhere('FORBIDDEN'),
          siteAdmin: ownSiteOnly('absent'),
          districtAdmin: ownDistrictOnly('absent'),
          otherDistrictAdmin: ownDistrictOnly('absent'),
        },
      },
    },
    auditEvents: {
      access: 'guarded',
      scoped: true,
      cases: {
        "schoolSiteId: the scope's site": {
          anonymous: everywhere('UNAUTHENTICATED'),
          educator: everywhere('FORBIDDEN'),
          counselor: everywhere('FORBIDDEN'),
          siteAdmin: ownSiteOnly('FORBIDDEN'),
          districtAdmin: ownDistrictOnly('FORBIDDEN'),
          otherDistrictAdmin: ownDistrictOnly('FORBIDDEN'),
        },
      },
    },
  },
  Mutation: {
    signIn: { access: 'public' },
    startSession: { access: 'public' },
    endSession: { access: 'public' },
    registerAccount: { access: 'public' },
    requestPasswordReset: { access: 'public' },
    resetPassword: { access: 'public' },
    createEducatorAccount: {
      access: 'guarded',
      scoped: true,
      cases: {
        "an Educator at the scope's site": {
          anonymous: everywhere('UNAUTHENTICATED'),
          educator: everywhere('FORBIDDEN'),
          counselor: everywhere('FORBIDDEN'),
          siteAdmin: ownSiteOnly('FORBIDDEN'),
          districtAdmin: ownDistrictOnly('FORBIDDEN'),
          otherDistrictAdmin: ownDistrictOnly('FORBIDDEN'),
        },
      },
    },
    changePassword: { access: 'guarded', scoped: false, cases: { "the viewer's own password, changed to itself": everyoneSignedIn } },
    deactivateEducatorAccount: {
      access: 'guarded',
      scoped: true,
      cases: { "accountId: an Educator of the scope's site": adminsWithinReach('FORBIDDEN') },
    },
    reactivateEducatorAccount: {
      access: 'guarded',
      scoped: true,
      cases: { "accountId: an Educator of the scope's site": adminsWithinReach('FORBIDDEN') },
    },
    uploadEducatorAccounts: {
      access: 'guarded',
      scoped: true,
      cases: {
        "a file for the scope's site": {
          anonymous: everywhere('UNAUTHENTICATED'),
          educator: everywhere('FORBIDDEN'),
          counselor: everywhere('FORBIDDEN'),
          siteAdmin: ownSiteOnly('FORBIDDEN'),
          districtAdmin: ownDistrictOnly('FORBIDDEN'),
          otherDistrictAdmin: ownDistrictOnly('FORBIDDEN'),
        },
      },
    },
    uploadRoster: {
      access: 'guarded',
      scoped: false,
      cases: {
        "a OneRoster zip of the viewer's district": {
          anonymous: 'UNAUTHENTICATED',
          educator: 'FORBIDDEN',
          counselor: 'FORBIDDEN',
          siteAdmin: 'FORBIDDEN',
          districtAdmin: 'allowed',
          otherDistrictAdmin: 'allowed',
        },
      },
    },
    startRosterImport: {
      access: 'guarded',
      scoped: true,
      cases: { "a roster import of the scope's district": districtAdminsWithinReach('FORBIDDEN') },
    },
    setSchoolSiteExternalId: {
      access: 'guarded',
      scoped: true,
      cases: { "the scope's site": districtAdminsWithinReach('FORBIDDEN') },
    },
    cancelUploadBatch: {
      access: 'guarded',
      scoped: true,
      cases: { "batchId: a batch of the scope's site": adminsWithinReach('FORBIDDEN') },
    },
    undoUploadBatch: {
      access: 'guarded',
      scoped: true,
      cases: { "batchId: a batch of the scope's site": adminsWithinReach('FORBIDDEN') },
    },
    createAccountsFromCheck: {
      access: 'guarded',
      scoped: true,
      cases: { "batchId: a finished check of the scope's site": adminsWithinReach('FORBIDDEN') },
    },
    correctUploadRow: {
      access: 'guarded',
      scoped: true,
      cases: { "batchId: a finished check of the scope's site": adminsWithinReach('FORBIDDEN') },
    },
    resendInvitation: {
      access: 'guarded',
      scoped: true,
      cases: { "the pending account of the scope's site": adminsWithinReach('FORBIDDEN') },
    },
    recreateEducatorAccount: {
      access: 'guarded',
      scoped: true,
      cases: { "the pending account of the scope's site (answered NOT_EXPIRED)": adminsWithinReach('FORBIDDEN') },
    },
    recreateExpiredAccounts: {
      access: 'guarded',
      scoped: true,
      cases: { "the scope's site (none expired)": adminsWithinReach('FORBIDDEN') },
    },
    unlockAccount: {
      access: 'guarded',
      scoped: true,
      cases: { "the account of the scope's site": adminsWithinReach('FORBIDDEN') },
    },
    updateEducatorAccount: {
      access: 'guarded',
      scoped: true,
      cases: { "the pending account of the scope's site, its last name corrected": adminsWithinReach('FORBIDDEN') },
    },
  },
  Subscription: {
    uploadBatchChanged: {
      access: 'guarded',
      scoped: true,
      cases: { "schoolSiteId: the scope's site": adminsWithinReach('FORBIDDEN'), "batchId: the batch of the scope's site": adminsWithinReach('FORBIDDEN') },
    },
  },
  HTTP: {
    'GET /healthz': { access: 'public' },
    /** The page: index.html for every page route, its hashed files, and the offline GraphiQL (development only). */
    'GET /{*page}': { access: 'public' },
    'GET /assets/*file': { access: 'public' },
    'GET /graphiql': { access: 'public' },
    'GET /graphiql/static/*file': { access: 'public' },
    'GET /readyz': { access: 'public' },
    // Guarded by METRICS_TOKEN, not by who signed in: no sign-in token opens it (and without METRICS_TOKEN it is a 404).
    'GET /metrics': {
      access: 'guarded',
      scoped: false,
      cases: {
        'the metrics, with a sign-in token rather than METRICS_TOKEN': {
          anonymous: '401',
          educator: '401',
          counselor: '401',
          siteAdmin: '401',
          districtAdmin: '401',
          otherDistrictAdmin: '401',
        },
      },
    },
    'GET /templates/educator-accounts.csv': {
      access: 'guarded',
      scoped: false,
      cases: { 'the template file': { ...everyoneSignedIn, anonymous: '401' } },
    },
    'GET /templates/educator-accounts.xlsx': {
      access: 'guarded',
      scoped: false,
      cases: { 'the template workbook': { ...everyoneSignedIn, anonymous: '401' } },
    },
    'GET /accounts.csv': {
      access: 'guarded',
      scoped: true,
      cases: {
        "schoolSiteId: the scope's site's accounts": {
          anonymous: everywhere('401'),
          educator: everywhere('404'),
          counselor: everywhere('404'),
          siteAdmin: ownSiteOnly('404'),
          districtAdmin: ownDistrictOnly('404'),
          otherDistrictAdmin: ownDistrictOnly('404'),
        },
      },
    },
    'GET /upload-batches/:id/failures.csv': {
      access: 'guarded',
      scoped: true,
      cases: {
        "the fix file of the scope's batch": {
          anonymous: everywhere('401'),
          educator: everywhere('404'),
          counselor: everywhere('404'),
          siteAdmin: ownSiteOnly('404'),
          districtAdmin: ownDistrictOnly('404'),
          otherDistrictAdmin: ownDistrictOnly('404'),
        },
      },
    },
  },
};

/** Every cell of the matrix, in order, for generating one test each. */
export interface Cell {
  root: keyof AuthorizationMatrix;
  operation: string;
  caseName: string | null;
  actor: ActorName;
  scope: Scope | null;
  credential: CredentialKind;
  expected: Outcome | 'public';
}

export const cellsOf = (matrix: AuthorizationMatrix = AUTHORIZATION_MATRIX): Cell[] =>
  (['Query', 'Mutation', 'Subscription', 'HTTP'] as const).flatMap((root) =>
    Object.entries(matrix[root]).flatMap(([operation, entry]): Cell[] => {
      if (entry.access === 'public') {
        return ACTORS.map((actor) => ({ root, operation, caseName: null, actor, scope: null, credential: 'bearerToken', expected: 'public' }));
      }
      return CREDENTIALS.flatMap((credential) => {
        if (!entry.scoped) {
          return Object.entries(entry.cases).flatMap(([caseName, row]) =>
            ACTORS.map((actor): Cell => ({ root, operation, caseName, actor, scope: null, credential, expected: row[actor] })),
          );
        }
        return Object.entries(entry.cases).flatMap(([caseName, row]) =>
          ACTORS.flatMap((actor) => SCOPES.map((scope): Cell => ({ root, operation, caseName, actor, scope, credential, expected: row[actor][scope] }))),
        );
      });
    }),
  );
