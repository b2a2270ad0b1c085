import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Outstanding password resets (no code: it is derived from the row's id and request time, as registration codes are), and
 * each account's credentials version: tokens carry it, and moving it on ends every token issued before.
 */
export class PasswordResets1764000000014 implements MigrationInterface {
  name = 'PasswordResets1764000000014';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'password_reset',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'account_id', type: 'int' },
          { name: 'requested_at', type: 'bigint' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'used_at', type: 'bigint', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_password_reset_account', columnNames: ['account_id'] })],
      }),
    );
    await queryRunner.addColumn('educator_account', new TableColumn({ name: 'credentials_version', type: 'int', default: 0 }));
    // A reset, a password change and a deactivation end every browser session of the account.
    await queryRunner.createIndex('browser_session', new TableIndex({ name: 'ix_browser_session_account', columnNames: ['account_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('browser_session', 'ix_browser_session_account');
    await queryRunner.dropColumn('educator_account', 'credentials_version');
    await queryRunner.dropTable('password_reset');
  }
}
