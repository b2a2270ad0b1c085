import 'reflect-metadata';
import { createDataSource } from '../infrastructure/persistence/data-source';

const migrate = async (): Promise<void> => {
  const dataSource = createDataSource(process.env.DATABASE_URL);
  await dataSource.initialize();
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  console.log(applied.length ? `Applied: ${applied.map((migration) => migration.name).join(', ')}` : 'The database is up to date.');
  await dataSource.destroy();
};

migrate().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
