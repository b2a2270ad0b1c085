import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Invitations keep their details and are rendered when sent: a bulk upload writes a short row per account, not a whole email. */
export class OutboxTemplates1764000000002 implements MigrationInterface {
  name = 'OutboxTemplates1764000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('outbox_message', new TableColumn({ name: 'template', type: 'varchar', length: '20', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('outbox_message', 'template');
  }
}
