import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** When an admin deactivated the account (null: not deactivated); the email stays taken while it is set. */
export class AccountDeactivation1764000000012 implements MigrationInterface {
  name = 'AccountDeactivation1764000000012';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('educator_account', new TableColumn({ name: 'deactivated_at', type: 'bigint', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('educator_account', 'deactivated_at');
  }
}
