import type { DataSource } from 'typeorm';

/** What `/readyz` reports, check by check; `ready` only when every one passed. */
export interface ReadinessReport {
  ready: boolean;
  database: boolean;
  migrations: boolean;
  worker: boolean | 'off';
}

export interface WatchedWork {
  alive(): boolean;
}

/**
 * Asked on every call, never remembered: a database dropped or unreachable since start-up, a migration not yet applied,
 * or (with WORKER on) background loops that ended, each make this process unready until they are right again.
 */
export class Readiness {
  private work: WatchedWork | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly workerOn: boolean,
  ) {}

  /** The background loops this process runs (startBackgroundWork registers them). */
  watch(work: WatchedWork): void {
    this.work = work;
  }

  async report(): Promise<ReadinessReport> {
    const [database, migrations] = await Promise.all([this.tablesAnswer(), this.migrationsApplied()]);
    const worker = this.workerOn ? this.work?.alive() === true : 'off';
    return { ready: database && migrations && worker !== false, database, migrations, worker };
  }

  private async tablesAnswer(): Promise<boolean> {
    try {
      // One cheap read on each table the requests and the worker lean on.
      await this.dataSource.query('SELECT 1 FROM educator_account WHERE 1 = 0');
      await this.dataSource.query('SELECT 1 FROM upload_batch WHERE 1 = 0');
      await this.dataSource.query('SELECT 1 FROM outbox_message WHERE 1 = 0');
      return true;
    } catch {
      return false;
    }
  }

  private async migrationsApplied(): Promise<boolean> {
    try {
      // Read directly: TypeORM's showMigrations creates the migrations table when it is missing.
      const applied = new Set((await this.dataSource.query<{ name: string }[]>('SELECT name FROM migrations')).map((row) => row.name));
      return this.dataSource.migrations.every((migration) => applied.has(migration.name ?? migration.constructor.name));
    } catch {
      return false;
    }
  }
}
