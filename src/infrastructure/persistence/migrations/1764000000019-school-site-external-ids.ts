import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A school site may carry the identifier its district's SIS gives it (the state's school code, say), so that a OneRoster
 * export's schools are matched to sites by that identifier rather than by name. Unique within a district: two sites
 * answering to one code would make the match ambiguous. Sites without one (NULL) are not constrained by the index.
 */
export class SchoolSiteExternalIds1764000000019 implements MigrationInterface {
  name = 'SchoolSiteExternalIds1764000000019';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('school_site', new TableColumn({ name: 'external_id', type: 'varchar', length: '64', isNullable: true }));
    await queryRunner.createIndex(
      'school_site',
      new TableIndex({ name: 'uq_school_site_district_external_id', columnNames: ['district_id', 'external_id'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('school_site', 'uq_school_site_district_external_id');
    await queryRunner.dropColumn('school_site', 'external_id');
  }
}
