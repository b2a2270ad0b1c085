import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A throttle counter becomes one moment, `clears_at`, that each failure pushes further and one conditional UPDATE moves
 * atomically (see SqlAttemptThrottle); the index lets expired counters be pruned in bounded steps. Counters are
 * emptied rather than converted: at worst a lock of the last 15 minutes is lifted by the upgrade.
 */
export class ThrottleCountsBeforeChecking1764000000006 implements MigrationInterface {
  name = 'ThrottleCountsBeforeChecking1764000000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM throttle_counter');
    await queryRunner.dropColumns('throttle_counter', ['failures', 'window_started_at', 'blocked_until']);
    await queryRunner.addColumn('throttle_counter', new TableColumn({ name: 'clears_at', type: 'bigint' }));
    await queryRunner.createIndex('throttle_counter', new TableIndex({ name: 'ix_throttle_counter_clears_at', columnNames: ['clears_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM throttle_counter');
    await queryRunner.dropIndex('throttle_counter', 'ix_throttle_counter_clears_at');
    await queryRunner.dropColumn('throttle_counter', 'clears_at');
    await queryRunner.addColumns('throttle_counter', [
      new TableColumn({ name: 'failures', type: 'int' }),
      new TableColumn({ name: 'window_started_at', type: 'bigint' }),
      new TableColumn({ name: 'blocked_until', type: 'bigint', isNullable: true }),
    ]);
  }
}
