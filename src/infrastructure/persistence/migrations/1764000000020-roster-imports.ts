import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A District Admin's OneRoster upload, kept as what was read from it (its schools and its staff), not as the zip: the
 * mapping step reads it back, and starting the import turns each mapped school's staff into one ordinary upload batch,
 * grouped under the import by upload_batch.roster_import_id.
 */
export class RosterImports1764000000020 implements MigrationInterface {
  name = 'RosterImports1764000000020';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    await queryRunner.createTable(
      new Table({
        name: 'roster_import',
        columns: [
          id,
          { name: 'district_id', type: 'int' },
          { name: 'uploaded_by_account_id', type: 'int' },
          { name: 'file_name', type: 'varchar', length: '255' },
          { name: 'version', type: 'varchar', length: '8' },
          { name: 'created_at', type: 'bigint' },
          { name: 'started_at', type: 'bigint', isNullable: true },
          { name: 'ignored_students', type: 'int', default: 0 },
          { name: 'ignored_guardians', type: 'int', default: 0 },
          { name: 'ignored_disabled', type: 'int', default: 0 },
          { name: 'ignored_to_be_deleted', type: 'int', default: 0 },
        ],
        indices: [new TableIndex({ name: 'ix_roster_import_district', columnNames: ['district_id', 'id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'roster_school',
        columns: [
          { name: 'roster_import_id', type: 'int', isPrimary: true },
          { name: 'sourced_id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'identifier', type: 'varchar', length: '255', isNullable: true },
          { name: 'org_type', type: 'varchar', length: '32' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'roster_staff',
        columns: [
          { name: 'roster_import_id', type: 'int', isPrimary: true },
          { name: 'line_number', type: 'int', isPrimary: true },
          { name: 'org_sourced_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'roster_role', type: 'varchar', length: '40' },
          { name: 'given_name', type: 'varchar', length: '255' },
          { name: 'family_name', type: 'varchar', length: '255' },
          { name: 'email', type: 'varchar', length: '320' },
        ],
      }),
    );
    await queryRunner.addColumn('upload_batch', new TableColumn({ name: 'roster_import_id', type: 'int', isNullable: true }));
    await queryRunner.createIndex('upload_batch', new TableIndex({ name: 'ix_upload_batch_roster_import', columnNames: ['roster_import_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('upload_batch', 'ix_upload_batch_roster_import');
    await queryRunner.dropColumn('upload_batch', 'roster_import_id');
    await queryRunner.dropTable('roster_staff');
    await queryRunner.dropTable('roster_school');
    await queryRunner.dropTable('roster_import');
  }
}
