import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import type { Express } from 'express';
import type { RequestListener } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import type { Config } from './config';
import { CreateEducatorAccount } from '../application/create-educator-account';
import { FollowUploadLog } from '../application/follow-upload-log';
import { IdentifyActor } from '../application/identify-actor';
import { ListEducatorAccounts } from '../application/list-educator-accounts';
import { ResendInvitation } from '../application/resend-invitation';
import { UnlockAccount } from '../application/unlock-account';
import { RecreateEducatorAccount } from '../application/recreate-educator-account';
import { RecreateExpiredAccounts } from '../application/recreate-expired-accounts';
import { SqlAccountRecreations } from '../infrastructure/persistence/sql-account-recreations';
import { UpdateEducatorAccount } from '../application/update-educator-account';
import { SqlAccountCorrections } from '../infrastructure/persistence/sql-account-corrections';
import { ListManagedSchoolSites } from '../application/list-managed-school-sites';
import { RegisterAccount } from '../application/register-account';
import { ProcessUploadBatch } from '../application/process-upload-batch';
import { ReadUploadLog } from '../application/read-upload-log';
import { CancelUploadBatch } from '../application/cancel-upload-batch';
import { UndoUploadBatch } from '../application/undo-upload-batch';
import { UploadEducatorAccounts } from '../application/upload-educator-accounts';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SignIn } from '../application/sign-in';
import { StartBrowserSession } from '../application/start-browser-session';
import { EndBrowserSession } from '../application/end-browser-session';
import type { BrowserSessions } from '../application/ports/browser-sessions';
import type { Clock } from '../application/ports/clock';
import { Argon2PasswordHasher } from '../infrastructure/auth/argon2-password-hasher';
import { HmacRegistrationCodes } from '../infrastructure/auth/hmac-registration-codes';
import { JwtTokenIssuer } from '../infrastructure/auth/jwt-token-issuer';
import { PublicIds } from '../infrastructure/auth/public-ids';
import { SystemClock } from '../infrastructure/clock/system-clock';
import { CryptoRandomSource } from '../infrastructure/random/crypto-random-source';
import type { RequestContext } from '../infrastructure/graphql/context';
import { createLoaders } from '../infrastructure/graphql/loaders';
import { AccountResolver } from '../infrastructure/graphql/resolvers/account.resolver';
import { AccountManagementResolver } from '../infrastructure/graphql/resolvers/account-management.resolver';
import { SchoolSiteResolver } from '../infrastructure/graphql/resolvers/school-site.resolver';
import { AccountLifecycleResolver } from '../infrastructure/graphql/resolvers/account-lifecycle.resolver';
import { ChangePassword } from '../application/change-password';
import { RequestPasswordReset } from '../application/request-password-reset';
import { ResetPassword } from '../application/reset-password';
import { DeactivateEducatorAccount } from '../application/deactivate-educator-account';
import { ReactivateEducatorAccount } from '../application/reactivate-educator-account';
import { SessionResolver } from '../infrastructure/graphql/resolvers/session.resolver';
import { PasswordResetResolver } from '../infrastructure/graphql/resolvers/password-reset.resolver';
import { UploadResolver } from '../infrastructure/graphql/resolvers/upload.resolver';
import { CheckPreviewResolver } from '../infrastructure/graphql/resolvers/check-preview.resolver';
import { CreateAccountsFromCheck } from '../application/create-accounts-from-check';
import { CorrectUploadRow } from '../application/correct-upload-row';
import { readTemplateFile } from '../infrastructure/workbook/template-file-reader';
import { downloadRoutes } from '../infrastructure/http/download-routes';
import { openUploadPersistence, type UploadPersistence } from '../infrastructure/persistence/upload-persistence';
import type { SqlUploadFileInbox } from '../infrastructure/persistence/sql-upload-file-inbox';
import { buildGraphQLSchema, type ResolverClass, type ResolverInstances } from '../infrastructure/graphql/schema';
import { createHttpApp } from '../infrastructure/http/http-app';
import { PublicPageLinks } from '../infrastructure/http/public-page-links';
import { createLog, type Log } from '../infrastructure/logging';
import { FileMailDelivery, OutboxDispatcher, SmtpMailDelivery } from '../infrastructure/mail/outbox-dispatcher';
import { createDataSource, dialectOf, StatementBatchPool } from '../infrastructure/persistence/data-source';
import { readRowsInGroups } from '../infrastructure/persistence/grouped-reads';
import { PolledUploadLogChanges } from '../infrastructure/persistence/polled-upload-log-changes';
import { serializeSqliteAccess } from '../infrastructure/persistence/sqlite-serialization';
import { ACCOUNT_LIMIT, SqlAttemptThrottle } from '../infrastructure/persistence/sql-attempt-throttle';
import { TypeOrmBrowserSessions } from '../infrastructure/persistence/typeorm-browser-sessions';
import { SqlPasswordResets } from '../infrastructure/persistence/sql-password-resets';
import { SqlAuditTrail } from '../infrastructure/persistence/sql-audit-trail';
import { AuditResolver } from '../infrastructure/graphql/resolvers/audit.resolver';
import { ListAuditEvents } from '../application/list-audit-events';
import { SqlInvitationResends } from '../infrastructure/persistence/sql-invitation-resends';
import { SqlEducatorAccountRepository } from '../infrastructure/persistence/sql-educator-account-repository';
import { TypeOrmInvitationAllowances } from '../infrastructure/persistence/typeorm-invitation-allowances';
import { SqlSchoolSiteRepository } from '../infrastructure/persistence/sql-school-site-repository';
import { SqlUnitOfWork } from '../infrastructure/persistence/sql-unit-of-work';
import { SqlIdempotencyKeys } from '../infrastructure/persistence/sql-idempotency-keys';
import { sha256Fingerprint } from '../infrastructure/digest/sha256-fingerprint';
import { Readiness } from '../infrastructure/health/readiness';
import { ServiceMetrics } from '../infrastructure/metrics/service-metrics';
import { metricsRoute } from '../infrastructure/http/metrics-route';
import express from 'express';
import { RosterResolver } from '../infrastructure/graphql/resolvers/roster.resolver';
import { UploadRoster } from '../application/upload-roster';
import { StartRosterImport } from '../application/start-roster-import';
import { ReadRosterImport } from '../application/read-roster-import';
import { QueueRosterSchool } from '../application/queue-roster-school';
import { SetSchoolSiteExternalId } from '../application/set-school-site-external-id';
import { SqlRosterImports } from '../infrastructure/persistence/sql-roster-imports';
import { SqlSchoolSiteExternalIds } from '../infrastructure/persistence/sql-school-site-external-ids';
import { readOneRosterZip } from '../infrastructure/oneroster/oneroster-zip-reader';

export interface Application {
  config: Config;
  dataSource: DataSource;
  clock: Clock;
  log: Log;
  /** What an HTTP server runs for each request. */
  handleRequest: RequestListener;
  /** The plain HTTP routes (health, downloads), for listing them; `/graphql` is not among them. */
  routes: Express;
  schema: GraphQLSchema;
  apollo: ApolloServer<RequestContext>;
  passwords: Argon2PasswordHasher;
  codes: HmacRegistrationCodes;
  publicIds: PublicIds;
  outbox: OutboxDispatcher;
  uploadWorker: ProcessUploadBatch;
  uploads: SqlUploadFileInbox;
  /** The upload wing's stores: the file inbox (`uploads`), the queue, the log reader and the chunk writer. */
  uploadPersistence: UploadPersistence;
  throttle: SqlAttemptThrottle;
  idempotencyKeys: SqlIdempotencyKeys;
  browserSessions: BrowserSessions;
  /** Who did what: every admin action and every sign-in (docs/security.md). */
  auditTrail: SqlAuditTrail;
  /** What `/readyz` checks; the background loops register themselves with it. */
  readiness: Readiness;
  metrics: ServiceMetrics;
  /** What the separate METRICS_PORT server runs for each request: `/metrics` alone. */
  handleMetricsRequest: RequestListener;
  close(): Promise<void>;
}

export interface Overrides {
  clock?: Clock;
  log?: Log;
  /** Where the access lines go; `log` otherwise. */
  accessLog?: Log;
  passwords?: Argon2PasswordHasher;
  /** The folder of the built page; `web/dist` of the project unless a test serves another. */
  webDist?: string;
}

const PROJECT_WEB_DIST = join(__dirname, '..', '..', '..', 'web', 'dist');

/** Wires everything by hand: no container, so every dependency can be followed by name. */
export const buildApplication = async (config: Config, overrides: Overrides = {}): Promise<Application> => {
  const clock = overrides.clock ?? new SystemClock();
  const log = overrides.log ?? createLog();
  const dataSource = createDataSource(config.databaseUrl, config.databasePoolSize);
  await dataSource.initialize();
  if (dialectOf(dataSource) === 'sqlite') serializeSqliteAccess(dataSource);
  await dataSource.runMigrations({ transaction: 'each' });

  const metrics = new ServiceMetrics(dataSource, clock, log);
  const statementBatches = new StatementBatchPool(dataSource);
  const reads = readRowsInGroups(dataSource, statementBatches);
  const accounts = new SqlEducatorAccountRepository(dataSource.manager, reads);
  const sites = new SqlSchoolSiteRepository(reads);
  const passwords = overrides.passwords ?? new Argon2PasswordHasher();
  const codes = new HmacRegistrationCodes(`${config.jwtSecret}:registration-codes`);
  // The same derivation under its own key: a reset code is never a registration code.
  const resetCodes = new HmacRegistrationCodes(`${config.jwtSecret}:reset-codes`);
  const passwordResets = new SqlPasswordResets(dataSource);
  const tokens = new JwtTokenIssuer(config.jwtSecret, config.tokenLifetimeSeconds, () => clock.now());
  const publicIds = new PublicIds(`${config.jwtSecret}:public-ids`);
  const throttle = new SqlAttemptThrottle(dataSource, {
    account: ACCOUNT_LIMIT,
    address: { burst: config.addressFailureBurst, refillMs: config.addressFailureRefillSeconds * 1000 },
  });
  const unitOfWork = new SqlUnitOfWork(dataSource, statementBatches);
  const allowances = new TypeOrmInvitationAllowances(dataSource);
  const uploadPersistence = await openUploadPersistence(dataSource, config.maxRowBytes, metrics).catch(async (error: unknown) => {
    await dataSource.destroy();
    throw error;
  });
  const uploads = uploadPersistence.inbox;
  const idempotencyKeys = new SqlIdempotencyKeys(dataSource.manager);
  const uploadLog = new ReadUploadLog(sites, uploadPersistence.log);
  const browserSessions = new TypeOrmBrowserSessions(dataSource);
  const auditTrail = new SqlAuditTrail(dataSource.manager);
  const sessionLifetime = { idleMs: config.sessionIdleMinutes * 60_000, maxMs: config.sessionMaxHours * 3_600_000 };
  const identifyActor = new IdentifyActor(tokens, accounts, browserSessions, sessionLifetime, clock);
  const signIn = new SignIn(accounts, passwords, tokens, throttle, clock, metrics, auditTrail);
  const links = new PublicPageLinks(config.publicUrl, publicIds);
  const csvLimits = { maxRowBytes: config.maxRowBytes, maxDataRows: config.maxUploadRows };

  const recreations = new SqlAccountRecreations(dataSource);
  const listAccounts = new ListEducatorAccounts(sites, accounts, clock);
  const rosterImports = new SqlRosterImports(dataSource);
  const resolvers: ResolverInstances = new Map<ResolverClass, object>([
    [
      AccountResolver,
      new AccountResolver(
        signIn,
        new CreateEducatorAccount(sites, unitOfWork, allowances, clock, sha256Fingerprint, config.maxInvitationsPerAdminPerHour, auditTrail),
        new RegisterAccount(accounts, codes, passwords, throttle, clock),
        listAccounts,
        clock,
      ),
    ],
    [
      AccountManagementResolver,
      new AccountManagementResolver(
        new ResendInvitation(accounts, sites, new SqlInvitationResends(dataSource), allowances, auditTrail, clock, {
          invitationsPerAdminPerHour: config.maxInvitationsPerAdminPerHour,
          resendMinMinutes: config.resendInvitationMinMinutes,
        }),
        new UnlockAccount(accounts, sites, throttle, auditTrail, clock),
        new RecreateEducatorAccount(accounts, sites, recreations, allowances, auditTrail, clock, config.maxInvitationsPerAdminPerHour),
        new RecreateExpiredAccounts(sites, recreations, allowances, auditTrail, clock, config.maxBulkRowsPerAdminPerDay),
        clock,
        new UpdateEducatorAccount(accounts, sites, new SqlAccountCorrections(dataSource), allowances, auditTrail, clock, config.maxInvitationsPerAdminPerHour),
      ),
    ],
    [AuditResolver, new AuditResolver(new ListAuditEvents(sites, auditTrail))],
    [
      AccountLifecycleResolver,
      new AccountLifecycleResolver(
        new DeactivateEducatorAccount(accounts, browserSessions, auditTrail, clock),
        new ReactivateEducatorAccount(accounts, auditTrail, clock),
        new ChangePassword(accounts, passwords, throttle, browserSessions, tokens, auditTrail, clock),
        clock,
      ),
    ],
    [
      SchoolSiteResolver,
      new SchoolSiteResolver(
        new ListManagedSchoolSites(sites),
        new SetSchoolSiteExternalId(sites, new SqlSchoolSiteExternalIds(dataSource), auditTrail, clock),
      ),
    ],
    [
      RosterResolver,
      new RosterResolver(
        new UploadRoster(sites, rosterImports, uploadPersistence.log, readOneRosterZip, config.maxUploadBytes, auditTrail, clock),
        new StartRosterImport(
          sites,
          rosterImports,
          uploads,
          uploadPersistence.log,
          new QueueRosterSchool(
            uploads,
            rosterImports,
            allowances,
            { maxWaitingBatchesPerSite: config.maxQueuedBatchesPerSite, maxRowsPerAdminPerDay: config.maxBulkRowsPerAdminPerDay },
            auditTrail,
            clock,
          ),
          auditTrail,
          clock,
        ),
        new ReadRosterImport(sites, rosterImports, uploadPersistence.log),
      ),
    ],
    [
      PasswordResetResolver,
      new PasswordResetResolver(
        new RequestPasswordReset(accounts, passwordResets, throttle, auditTrail, clock),
        new ResetPassword(accounts, passwordResets, resetCodes, passwords, browserSessions, throttle, auditTrail, clock),
      ),
    ],
    [
      SessionResolver,
      new SessionResolver(new StartBrowserSession(signIn, browserSessions, sessionLifetime, clock), new EndBrowserSession(browserSessions), clock),
    ],
    [
      UploadResolver,
      new UploadResolver(
        new UploadEducatorAccounts(
          sites,
          uploads,
          uploadPersistence.log,
          readTemplateFile,
          {
            ...csvLimits,
            maxUploadBytes: config.maxUploadBytes,
            maxWaitingBatchesPerSite: config.maxQueuedBatchesPerSite,
            maxRowsPerAdminPerDay: config.maxBulkRowsPerAdminPerDay,
          },
          allowances,
          clock,
          idempotencyKeys,
          sha256Fingerprint,
          auditTrail,
        ),
        uploadLog,
        clock,
        new CancelUploadBatch(uploadLog, uploadPersistence.takeBack, auditTrail, clock),
        new UndoUploadBatch(uploadLog, uploadPersistence.takeBack, auditTrail, clock),
      ),
    ],
  ]);
  resolvers.set(
    CheckPreviewResolver,
    new CheckPreviewResolver(
      new CreateAccountsFromCheck(
        uploadLog,
        uploads,
        uploadPersistence.checkFollowUps,
        allowances,
        { maxWaitingBatchesPerSite: config.maxQueuedBatchesPerSite, maxRowsPerAdminPerDay: config.maxBulkRowsPerAdminPerDay },
        clock,
        auditTrail,
      ),
      new CorrectUploadRow(uploadLog, uploadPersistence.checkFollowUps, uploadPersistence.existingAccounts, clock, auditTrail),
      uploadPersistence.checkFollowUps,
    ),
  );
  const schema = await buildGraphQLSchema(resolvers);
  const uploadLogChanges = new PolledUploadLogChanges(dataSource, log);
  const followUploadLog = new FollowUploadLog(uploadLog, new ListManagedSchoolSites(sites), uploadLogChanges, { beforeDeliveryMs: 5_000, idleMs: 60_000 }, () =>
    clock.now().getTime(),
  );
  const readiness = new Readiness(dataSource, config.worker);
  const { handleRequest, routes, apollo } = await createHttpApp({
    config,
    readiness,
    metrics,
    // With METRICS_PORT, the metrics are served there, and only there.
    metricsAccess: config.metricsPort || !config.metricsToken ? 'off' : { token: config.metricsToken },
    answerVersions: accounts,
    clock,
    followUploadLog,
    schema,
    identifyActor,
    publicIds,
    createLoaders: () => createLoaders(sites, accounts, dataSource, clock),
    log,
    accessLog: overrides.accessLog ?? log,
    routes: downloadRoutes(identifyActor, uploadLog, publicIds, log, { listAccounts, sites, clock }),
    webDist: overrides.webDist ?? PROJECT_WEB_DIST,
  });
  const uploadWorker = new ProcessUploadBatch(
    {
      queue: uploadPersistence.queue,
      files: uploads,
      corrections: uploadPersistence.checkFollowUps,
      existingAccounts: uploadPersistence.existingAccounts,
      chunks: uploadPersistence.chunkWriter,
    },
    sites,
    accounts,
    readTemplateFile,
    { ...csvLimits, workerId: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, chunkRows: config.uploadChunkRows, leaseMs: 30_000 },
    links,
    clock,
    new CryptoRandomSource(),
    uploadPersistence.queue,
  );
  const delivery =
    config.mailTransport === 'smtp' && config.smtpUrl
      ? new SmtpMailDelivery(config.smtpUrl, config.mailFrom)
      : new FileMailDelivery(config.mailOutboxDir, config.mailFrom);
  const outbox = new OutboxDispatcher(dataSource, delivery, codes, links, clock, log, resetCodes);

  return {
    config,
    dataSource,
    clock,
    log,
    handleRequest,
    routes,
    schema,
    apollo,
    passwords,
    codes,
    publicIds,
    outbox,
    uploadWorker,
    uploads,
    uploadPersistence,
    throttle,
    idempotencyKeys,
    browserSessions,
    auditTrail,
    readiness,
    metrics,
    handleMetricsRequest: express()
      .disable('x-powered-by')
      .use(metricsRoute(metrics, config.metricsToken ? { token: config.metricsToken } : 'open')),
    close: async () => {
      await apollo.stop();
      uploadLogChanges.stop();
      await uploadPersistence.close();
      await unitOfWork.close();
      await dataSource.destroy();
    },
  };
};
