import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A counter per school site, moved on in the same transaction as every change the upload log can show (a batch
 * queued, rejected, claimed, a chunk's progress and failures, completion). The API keeps log and failure pages it
 * already answered and answers them again only while their district's sum of counters has not moved.
 */
export class UploadLogVersions1764000000004 implements MigrationInterface {
  name = 'UploadLogVersions1764000000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'upload_log_version',
        columns: [
          { name: 'school_site_id', type: 'int', isPrimary: true },
          { name: 'version', type: 'bigint', default: 0 },
        ],
      }),
    );
    // Sites with batches already; a counter starts from the wall clock (see uploadLogCounterFor in upload-log-version.ts).
    await queryRunner.query('INSERT INTO upload_log_version (school_site_id, version) SELECT DISTINCT school_site_id, ? FROM upload_batch', [Date.now()]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('upload_log_version');
  }
}
