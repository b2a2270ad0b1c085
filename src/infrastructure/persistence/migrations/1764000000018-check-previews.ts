import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A check (dry run) becomes a preview the admin can act on: its stored file is kept for a while after it finishes, so
 * that "Create accounts" queues a real run of the same file (created_from_batch_id on the run, followed_by_batch_id on
 * the check, set once), and a failing row may be corrected in the page first (upload_row_correction), the corrected
 * cells replacing that line when the run reads the file. rows_corrected is shown in the log beside the counts.
 */
export class CheckPreviews1764000000018 implements MigrationInterface {
  name = 'CheckPreviews1764000000018';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = ['mysql', 'mariadb'].includes(queryRunner.connection.options.type);
    await queryRunner.addColumns('upload_batch', [
      new TableColumn({ name: 'created_from_batch_id', type: 'int', isNullable: true }),
      new TableColumn({ name: 'followed_by_batch_id', type: 'int', isNullable: true }),
      new TableColumn({ name: 'rows_corrected', type: 'int', default: 0 }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'upload_row_correction',
        columns: [
          { name: 'batch_id', type: 'int', isPrimary: true },
          { name: 'line_number', type: 'int', isPrimary: true },
          { name: 'cells', type: mysql ? 'mediumtext' : 'text', ...(mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}) },
          { name: 'corrected_by_account_id', type: 'int' },
          { name: 'corrected_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('upload_row_correction');
    for (const column of ['rows_corrected', 'followed_by_batch_id', 'created_from_batch_id']) await queryRunner.dropColumn('upload_batch', column);
  }
}
