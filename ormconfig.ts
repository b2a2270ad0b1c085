// The TypeORM CLI entry: `npx typeorm migration:show -d dist/ormconfig.js`. The service itself builds its data source in src/processes/composition-root.ts.
import { createDataSource } from './src/infrastructure/persistence/data-source';

export default createDataSource(process.env.DATABASE_URL);
