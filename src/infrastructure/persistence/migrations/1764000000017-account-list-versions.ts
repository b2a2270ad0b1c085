import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A counter per district, moved on with every change the accounts list shows that the upload log's counters do not
 * (account-list-version.ts), so that the accounts list can be answered again from memory while it stands still.
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
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('account_list_version');
  }
}
