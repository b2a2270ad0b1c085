import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The accounts list filters a district (or a site) by a name or email prefix and pages in name, email or creation
 * order by keyset. Names are kept lower-cased beside the originals (as email_normalized is), so `LIKE 'ada%'` and the
 * sort read the same index on SQLite and MySQL alike; each sort has a district-first index ending in id, the tie-break.
 * invitation_resent_at: when an admin last resent the account's invitation, for the per-account resend throttle.
 */
export class AccountListingIndexes1764000000011 implements MigrationInterface {
  name = 'AccountListingIndexes1764000000011';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('educator_account', [
      new TableColumn({ name: 'first_name_normalized', type: 'varchar', length: '200', isNullable: true }),
      new TableColumn({ name: 'last_name_normalized', type: 'varchar', length: '200', isNullable: true }),
      new TableColumn({ name: 'invitation_resent_at', type: 'bigint', isNullable: true }),
    ]);
    await queryRunner.query('UPDATE educator_account SET first_name_normalized = LOWER(first_name), last_name_normalized = LOWER(last_name)');
    await queryRunner.createIndices('educator_account', INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.dropIndex('educator_account', index.name!);
    await queryRunner.dropColumns('educator_account', ['first_name_normalized', 'last_name_normalized', 'invitation_resent_at']);
  }
}

const INDEXES = [
  new TableIndex({ name: 'ix_educator_account_district_name', columnNames: ['district_id', 'last_name_normalized', 'first_name_normalized', 'id'] }),
  new TableIndex({ name: 'ix_educator_account_district_first_name', columnNames: ['district_id', 'first_name_normalized', 'id'] }),
  new TableIndex({ name: 'ix_educator_account_district_email', columnNames: ['district_id', 'email_normalized', 'id'] }),
  new TableIndex({ name: 'ix_educator_account_district_created', columnNames: ['district_id', 'created_at', 'id'] }),
];
