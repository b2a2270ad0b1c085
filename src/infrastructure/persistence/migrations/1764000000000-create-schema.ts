import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const isMysql = (queryRunner: QueryRunner): boolean => ['mysql', 'mariadb'].includes(queryRunner.connection.options.type);

/** Written with the QueryRunner API so one migration runs on SQLite and on MySQL/MariaDB alike. */
export class CreateSchema1764000000000 implements MigrationInterface {
  name = 'CreateSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysql(queryRunner);
    const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
    const text = (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      ...(mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' } : {}),
      ...extra,
    });
    // Normalized keys compare byte for byte: a _ci collation would make "josé@" and "jose@" collide.
    const key = (name: string, length: number): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      ...(mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}),
    });
    const int = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'int', ...extra });
    const epochMs = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });
    const longText = (name: string, isNullable = false): TableColumnOptions => ({ name, type: mysql ? 'mediumtext' : 'text', isNullable });

    await queryRunner.createTable(new Table({ name: 'district', columns: [id, text('name', 200), epochMs('created_at')] }));
    await queryRunner.createTable(
      new Table({
        name: 'school_site',
        columns: [id, int('district_id'), text('name', 200), epochMs('created_at')],
        indices: [new TableIndex({ name: 'ix_school_site_district', columnNames: ['district_id', 'name'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'educator_account',
        columns: [
          id,
          text('email', 254),
          key('email_normalized', 254),
          text('first_name', 200),
          text('last_name', 200),
          key('role_code', 40),
          int('district_id'),
          epochMs('created_at'),
          epochMs('registration_deadline'),
          epochMs('registered_at', true),
          key('password_hash', 200),
          key('registration_code_hash', 100),
          int('created_by_account_id', { isNullable: true }),
          int('source_batch_id', { isNullable: true }),
        ].map((column) => (['password_hash', 'registration_code_hash'].includes(column.name) ? { ...column, isNullable: true } : column)),
        indices: [new TableIndex({ name: 'uq_educator_account_email', columnNames: ['email_normalized'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'educator_account_site',
        columns: [int('account_id', { isPrimary: true }), int('school_site_id', { isPrimary: true })],
        indices: [new TableIndex({ name: 'ix_educator_account_site_site', columnNames: ['school_site_id', 'account_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'agreement_acceptance',
        columns: [
          id,
          int('accepted_by_account_id'),
          key('agreement', 40),
          key('version', 40),
          epochMs('accepted_at'),
          int('subject_account_id', { isNullable: true }),
          int('upload_batch_id', { isNullable: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'outbox_message',
        columns: [
          id,
          text('recipient', 254),
          text('subject', 300),
          longText('body'),
          key('status', 10),
          int('attempts'),
          epochMs('created_at'),
          epochMs('next_attempt_at'),
          epochMs('sent_at', true),
          text('last_error', 500, { isNullable: true }),
        ],
        indices: [new TableIndex({ name: 'ix_outbox_message_due', columnNames: ['status', 'next_attempt_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'throttle_counter',
        columns: [{ ...key('throttle_key', 300), isPrimary: true }, int('failures'), epochMs('window_started_at'), epochMs('blocked_until', true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'upload_batch',
        columns: [
          id,
          int('school_site_id'),
          int('uploaded_by_account_id'),
          text('file_name', 255),
          { name: 'byte_size', type: 'bigint' },
          { name: 'dry_run', type: 'smallint' },
          key('status', 12),
          int('total_rows', { isNullable: true }),
          int('records_processed'),
          int('records_created'),
          int('records_skipped'),
          int('records_failed'),
          longText('rejection_reason', true),
          longText('warnings', true),
          epochMs('created_at'),
          epochMs('start_time', true),
          epochMs('end_time', true),
          { ...key('lease_owner', 100), isNullable: true },
          epochMs('lease_expires_at', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_upload_batch_site', columnNames: ['school_site_id', 'id'] }),
          new TableIndex({ name: 'ix_upload_batch_status', columnNames: ['status', 'id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'upload_file_chunk',
        // Stored in chunks well under MariaDB's 16 MB max_allowed_packet.
        columns: [int('batch_id', { isPrimary: true }), int('seq', { isPrimary: true }), { name: 'data', type: mysql ? 'mediumblob' : 'blob' }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'upload_failure',
        columns: [
          id,
          int('batch_id'),
          int('line_number'),
          key('code', 40),
          text('reason', 500),
          text('role_as_written', 200),
          text('email', 300, { isNullable: true }),
          longText('original_cells'),
        ],
        indices: [new TableIndex({ name: 'uq_upload_failure_line', columnNames: ['batch_id', 'line_number'], isUnique: true })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'upload_failure',
      'upload_file_chunk',
      'upload_batch',
      'throttle_counter',
      'outbox_message',
      'agreement_acceptance',
      'educator_account_site',
      'educator_account',
      'school_site',
      'district',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
