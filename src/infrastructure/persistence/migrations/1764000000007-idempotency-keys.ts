import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The keys admins send with a creation or an upload, each naming what landed with it, so that a retry (after a lost
 * answer) is answered that result rather than a second one or EMAIL_TAKEN. Kept for a day, then pruned by created_at.
 */
export class IdempotencyKeys1764000000007 implements MigrationInterface {
  name = 'IdempotencyKeys1764000000007';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = ['mysql', 'mariadb'].includes(queryRunner.connection.options.type);
    // Compared byte for byte, as the client wrote it: a _ci collation would make "abc" and "ABC" one key.
    const exact = mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {};
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_key',
        columns: [
          { name: 'owner_account_id', type: 'int', isPrimary: true },
          { name: 'idempotency_key', type: 'varchar', length: '100', isPrimary: true, ...exact },
          { name: 'request_digest', type: 'varchar', length: '64', ...exact },
          { name: 'created_at', type: 'bigint' },
          { name: 'educator_account_id', type: 'int', isNullable: true },
          { name: 'upload_batch_id', type: 'int', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_idempotency_key_created', columnNames: ['created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_key');
  }
}
