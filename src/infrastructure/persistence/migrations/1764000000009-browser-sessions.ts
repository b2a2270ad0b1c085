import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Browser sessions of the page: the SHA-256 of each secret, its account, and when it was started, last used and lapses. */
export class BrowserSessions1764000000009 implements MigrationInterface {
  name = 'BrowserSessions1764000000009';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = ['mysql', 'mariadb'].includes(queryRunner.connection.options.type);
    await queryRunner.createTable(
      new Table({
        name: 'browser_session',
        columns: [
          { name: 'secret_hash', type: 'varchar', length: '64', isPrimary: true, ...(mysql ? { charset: 'ascii', collation: 'ascii_bin' } : {}) },
          { name: 'account_id', type: 'int' },
          { name: 'started_at', type: 'bigint' },
          { name: 'last_used_at', type: 'bigint' },
          { name: 'expires_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'ix_browser_session_expires', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('browser_session');
  }
}
