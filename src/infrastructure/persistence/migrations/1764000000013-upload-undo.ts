import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Undoing an upload removes its pending accounts with set-based statements keyed by the batch that created them
 * (educator_account.source_batch_id) and drops their unsent invitations (outbox_message.account_id): both need an
 * index, or a 100,000-row undo scans every account. The batch keeps what the undo removed and kept, for the log.
 */
export class UploadUndo1764000000013 implements MigrationInterface {
  name = 'UploadUndo1764000000013';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('educator_account', new TableIndex({ name: 'ix_educator_account_source_batch', columnNames: ['source_batch_id'] }));
    await queryRunner.createIndex('outbox_message', new TableIndex({ name: 'ix_outbox_message_account', columnNames: ['account_id'] }));
    await queryRunner.addColumns('upload_batch', [
      new TableColumn({ name: 'records_removed', type: 'int', isNullable: true }),
      new TableColumn({ name: 'records_kept', type: 'int', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('upload_batch', 'records_kept');
    await queryRunner.dropColumn('upload_batch', 'records_removed');
    await queryRunner.dropIndex('outbox_message', 'ix_outbox_message_account');
    await queryRunner.dropIndex('educator_account', 'ix_educator_account_source_batch');
  }
}
