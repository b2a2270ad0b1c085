import 'reflect-metadata';
import { loadDatabaseSettings } from '../processes/config';
import { createDataSource } from '../infrastructure/persistence/data-source';
import { runProcess } from '../processes/lifecycle';

const migrate = async (): Promise<void> => {
  const dataSource = createDataSource(...loadDatabaseSettings());
  await dataSource.initialize();
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  console.log(applied.length ? `Applied: ${applied.map((migration) => migration.name).join(', ')}` : 'The database is up to date.');
  await dataSource.destroy();
};

runProcess(migrate);
