import { expect } from 'chai';
import { accountStatus } from '../../../src/domain/educator/educator-account';
import { isExpiredRow, notExpiredSql, statusIsSql } from '../../../src/infrastructure/persistence/account-status-sql';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { anEducatorRow, csvFile } from '../../support/csv-fixtures';
import { PARTNER_HIGH, siteIdsByName, uploadAndProcess } from './upload-kit';

const CREATE_ACCOUNT = `mutation($input: CreateEducatorAccountInput!) {
  createEducatorAccount(input: $input) { account { id } userErrors { code message } }
}`;

const DAY_MS = 24 * 3600 * 1000;

/** Where the bulk path's SQL repeats a rule the domain owns, the two are held together here. */
describeOnEachDatabase('Domain rules the upload SQL repeats', (database) => {
  let server: TestServer;
  let sites: Record<string, string>;

  before(async () => {
    server = await startTestServer(database);
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
  });

  const sql = (text: string, params: unknown[] = []) => server.application.dataSource.query(text, params);

  const createByHand = async (token: string, email: string): Promise<void> => {
    const response = await server.graphql(
      CREATE_ACCOUNT,
      { input: { firstName: 'By', lastName: 'Hand', email, roleCode: 'EDUCATOR', schoolSiteIds: [sites[PARTNER_HIGH]], agreementAccepted: true } },
      token,
    );
    expect(response.data?.createEducatorAccount?.userErrors, response.text).to.deep.equal([]);
  };

  /** An account's row and its newest invitation, less what names the person. */
  const writtenFor = async (email: string) => {
    const [row] = await sql(
      `SELECT a.role_code, a.district_id, a.created_at, a.registration_deadline, a.registered_at, a.password_hash, a.created_by_account_id,
              m.school_site_id, o.template, o.subject, o.body, o.status, o.attempts, o.created_at AS queued_at, o.next_attempt_at, o.recipient = a.email AS to_account
       FROM educator_account a JOIN educator_account_site m ON m.account_id = a.id
       JOIN outbox_message o ON o.account_id = a.id AND o.id = (SELECT MAX(n.id) FROM outbox_message n WHERE n.account_id = a.id)
       WHERE a.email_normalized = ?`,
      [email],
    );
    const {
      created_at: createdAt,
      registration_deadline: deadline,
      queued_at: queuedAt,
      next_attempt_at: nextAttemptAt,
      ...rest
    } = row as Record<string, unknown>;
    // The test clock moves on between the two creations: times are compared from each account's creation.
    const fromCreation = {
      registration_deadline: Number(deadline) - Number(createdAt),
      queued_at: Number(queuedAt) - Number(createdAt),
      next_attempt_at: Number(nextAttemptAt) - Number(createdAt),
    };
    return {
      ...Object.fromEntries(Object.entries(rest).map(([column, value]) => [column, value === null ? null : String(value as string | number)])),
      ...fromCreation,
    };
  };

  it('when one expired account is created again by hand and another by an upload, then both are written alike, with the same invitation row', async () => {
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    await createByHand(siteAdmin, 'again.by.hand@partner-high.example.org');
    await createByHand(siteAdmin, 'again.by.upload@partner-high.example.org');
    server.clock.advanceDays(61);
    const token = await server.signIn(server.demo.siteAdminEmail);

    await createByHand(token, 'again.by.hand@partner-high.example.org');
    const batch = await uploadAndProcess(server, token, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile([anEducatorRow(1, { email: 'again.by.upload@partner-high.example.org' })]),
    });

    expect(batch).to.deep.include({ status: 'COMPLETED', recordsCreated: 1 });
    const byHand = await writtenFor('again.by.hand@partner-high.example.org');
    expect(byHand).to.deep.include({ registered_at: null, password_hash: null, template: 'invitation', to_account: '1' });
    expect(await writtenFor('again.by.upload@partner-high.example.org')).to.deep.equal(byHand);
  });

  it('when accounts are registered, unregistered or deactivated around their deadline, then the SQL counts as not expired exactly those the domain does', async () => {
    const now = server.clock.now().getTime();
    const cases = [
      { deadline: now - DAY_MS, registeredAt: null },
      { deadline: now - 1, registeredAt: null },
      { deadline: now, registeredAt: null },
      { deadline: now + 1, registeredAt: null },
      { deadline: now - DAY_MS, registeredAt: now - 2 * DAY_MS },
      { deadline: now + DAY_MS, registeredAt: now - DAY_MS },
      { deadline: now - DAY_MS, registeredAt: null, deactivatedAt: now - 2 * DAY_MS },
      { deadline: now + DAY_MS, registeredAt: null, deactivatedAt: now - 1 },
      { deadline: now - DAY_MS, registeredAt: now - 2 * DAY_MS, deactivatedAt: now - DAY_MS },
    ];
    for (const [index, account] of cases.entries()) {
      await sql(
        "INSERT INTO educator_account (email, email_normalized, first_name, last_name, role_code, district_id, created_at, registration_deadline, registered_at, deactivated_at) VALUES (?, ?, 'Rule', 'Case', 'EDUCATOR', ?, 0, ?, ?, ?)",
        [
          `rule.${index}@example.org`,
          `rule.${index}@example.org`,
          server.demo.districtId,
          account.deadline,
          account.registeredAt,
          account.deactivatedAt ?? null,
        ],
      );
    }

    const notExpired: { email: string }[] = await sql(
      `SELECT a.email FROM educator_account a WHERE a.email LIKE 'rule.%' AND ${notExpiredSql('a')} ORDER BY a.email`,
      [now],
    );

    const domain = cases.flatMap((account, index) =>
      accountStatus(
        {
          registeredAt: account.registeredAt === null ? null : new Date(account.registeredAt),
          registrationDeadline: new Date(account.deadline),
          deactivatedAt: account.deactivatedAt === undefined ? null : new Date(account.deactivatedAt),
        },
        new Date(now),
      ) === 'EXPIRED'
        ? []
        : [`rule.${index}@example.org`],
    );
    expect(notExpired.map((row) => row.email)).to.deep.equal(domain);
    for (const status of ['PENDING_REGISTRATION', 'ACTIVE', 'EXPIRED', 'DEACTIVATED'] as const) {
      const filter = statusIsSql('a', status, new Date(now));
      const listed: { email: string }[] = await sql(
        `SELECT a.email FROM educator_account a WHERE a.email LIKE 'rule.%' AND ${filter.sql} ORDER BY a.email`,
        filter.params,
      );
      const decided = cases.flatMap((account, index) =>
        accountStatus(
          {
            registeredAt: account.registeredAt === null ? null : new Date(account.registeredAt),
            registrationDeadline: new Date(account.deadline),
            deactivatedAt: account.deactivatedAt === undefined ? null : new Date(account.deactivatedAt),
          },
          new Date(now),
        ) === status
          ? [`rule.${index}@example.org`]
          : [],
      );
      expect(
        listed.map((row) => row.email),
        status,
      ).to.deep.equal(decided);
    }
    const rows: Record<string, unknown>[] = await sql(
      "SELECT email, registered_at, registration_deadline, deactivated_at FROM educator_account WHERE email LIKE 'rule.%' ORDER BY email",
    );
    expect(rows.filter((row) => !isExpiredRow(row, new Date(now))).map((row) => row.email)).to.deep.equal(domain);
  });
});
