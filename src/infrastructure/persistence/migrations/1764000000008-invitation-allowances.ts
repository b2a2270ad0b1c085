import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Each admin's recent invitations (one row per admin and kind), counted for the invitation limits. */
export class InvitationAllowances1764000000008 implements MigrationInterface {
  name = 'InvitationAllowances1764000000008';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'invitation_allowance',
        columns: [
          { name: 'account_id', type: 'int', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16', isPrimary: true },
          { name: 'recent', type: 'text' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('invitation_allowance');
  }
}
