import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A batch that keeps failing ends as FAILED: its failed attempts are counted and the reason kept. A batch keeps the key
 * it was uploaded under, so that copies of one keyed upload count once in its site's queue. Each site that has
 * uploaded gets a row with its district and when a worker last gave one of its batches a turn: workers serve the
 * districts and sites that have waited longest first, and a new upload locks its site's row to count the site's
 * waiting uploads and queue its own as one step.
 */
export class UploadTurnsAndFailures1764000000005 implements MigrationInterface {
  name = 'UploadTurnsAndFailures1764000000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = ['mysql', 'mariadb'].includes(queryRunner.connection.options.type);
    // Compared byte for byte, as idempotency keys are.
    const exact = mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {};
    await queryRunner.addColumns('upload_batch', [
      new TableColumn({ name: 'failed_attempts', type: 'int', default: 0 }),
      new TableColumn({ name: 'failure_reason', type: mysql ? 'mediumtext' : 'text', isNullable: true }),
      new TableColumn({ name: 'idempotency_key', type: 'varchar', length: '100', isNullable: true, ...exact }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'upload_site_queue',
        columns: [
          { name: 'school_site_id', type: 'int', isPrimary: true },
          { name: 'district_id', type: 'int' },
          { name: 'last_turn_at', type: 'bigint', default: 0 },
        ],
        indices: [new TableIndex({ name: 'ix_upload_site_queue_district', columnNames: ['district_id', 'last_turn_at'] })],
      }),
    );
    await queryRunner.query(
      'INSERT INTO upload_site_queue (school_site_id, district_id, last_turn_at) ' +
        'SELECT s.id, s.district_id, 0 FROM school_site s WHERE s.id IN (SELECT school_site_id FROM upload_batch)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('upload_site_queue');
    await queryRunner.dropColumn('upload_batch', 'idempotency_key');
    await queryRunner.dropColumn('upload_batch', 'failure_reason');
    await queryRunner.dropColumn('upload_batch', 'failed_attempts');
  }
}
