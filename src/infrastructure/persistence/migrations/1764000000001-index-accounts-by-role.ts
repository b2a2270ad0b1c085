import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Counting a site's Site Admins read every account of the site; the few Site Admins are found by role instead (docs/adr/0010). */
export class IndexAccountsByRole1764000000001 implements MigrationInterface {
  name = 'IndexAccountsByRole1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('educator_account', new TableIndex({ name: 'ix_educator_account_role', columnNames: ['role_code', 'id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('educator_account', 'ix_educator_account_role');
  }
}
