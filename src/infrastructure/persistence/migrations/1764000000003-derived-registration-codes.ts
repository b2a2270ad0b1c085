import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Registration codes are derived from the account when its invitation is sent, so neither a code nor its
 * hash is stored any more; an invitation waiting in the outbox points at its account instead.
 * Invitations queued before this change carried their own codes and are no longer understood: the
 * service had not been released, so there are none to carry over.
 */
export class DerivedRegistrationCodes1764000000003 implements MigrationInterface {
  name = 'DerivedRegistrationCodes1764000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('outbox_message', new TableColumn({ name: 'account_id', type: 'int', isNullable: true }));
    await queryRunner.dropColumn('educator_account', 'registration_code_hash');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('educator_account', new TableColumn({ name: 'registration_code_hash', type: 'varchar', length: '100', isNullable: true }));
    await queryRunner.dropColumn('outbox_message', 'account_id');
  }
}
