import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Who did what, when, from where, and how it ended: read newest first within a district or a site. */
export class AuditEvents1764000000010 implements MigrationInterface {
  name = 'AuditEvents1764000000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_event',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'occurred_at', type: 'bigint' },
          { name: 'action', type: 'varchar', length: '40' },
          { name: 'outcome', type: 'varchar', length: '40' },
          { name: 'actor_account_id', type: 'int', isNullable: true },
          { name: 'actor_email', type: 'varchar', length: '320', isNullable: true },
          { name: 'target_account_id', type: 'int', isNullable: true },
          { name: 'target_batch_id', type: 'int', isNullable: true },
          { name: 'district_id', type: 'int', isNullable: true },
          { name: 'school_site_id', type: 'int', isNullable: true },
          { name: 'client_address', type: 'varchar', length: '64' },
          { name: 'detail', type: 'varchar', length: '500', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'ix_audit_event_district', columnNames: ['district_id', 'id'] }),
          new TableIndex({ name: 'ix_audit_event_site', columnNames: ['school_site_id', 'id'] }),
          new TableIndex({ name: 'ix_audit_event_occurred', columnNames: ['occurred_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_event');
  }
}
