import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A counter per district, moved on with every change the accounts list shows that the upload log's counters do not
 * (account-list-version.ts), so that the accounts list can be answered again from memory while it stands still. And
 * the list's status and role filters get indexes of their own: counting a status of a million-account district read
 * every row (3 s on MariaDB), a range of the status index reads only the matching ones (docs/adr/0015).
 */
export class AccountListVersions1764000000017 implements MigrationInterface {
  name = 'AccountListVersions1764000000017';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'account_list_version',
        columns: [
          { name: 'district_id', type: 'int', isPrimary: true },
          { name: 'version', type: 'bigint', default: 0 },
        ],
      }),
    );
    await queryRunner.createIndices('educator_account', INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.dropIndex('educator_account', index.name!);
    await queryRunner.dropTable('account_list_version');
  }
}

// Every status is one range of the first (account-status-sql.ts): deactivated_at, then registered_at, then the deadline.
const INDEXES = [
  new TableIndex({ name: 'ix_educator_account_district_status', columnNames: ['district_id', 'deactivated_at', 'registered_at', 'registration_deadline'] }),
  new TableIndex({ name: 'ix_educator_account_district_role', columnNames: ['district_id', 'role_code', 'created_at', 'id'] }),
];
