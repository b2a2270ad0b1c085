import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildApplication } from '../processes/composition-root';
import { loadConfig } from '../processes/config';

export const SCHEMA_FILE = 'schema.graphql';

/** The schema as clients see it, sorted so that diffs show real changes only. */
export const renderSchema = async (): Promise<string> => {
  const application = await buildApplication({ ...loadConfig({}), databaseUrl: 'sqlite::memory:' }, { log: () => undefined });
  try {
    return `${printSchema(lexicographicSortSchema(application.schema))}\n`;
  } finally {
    await application.close();
  }
};

if (require.main === module) {
  renderSchema().then(
    (schema) => {
      writeFileSync(SCHEMA_FILE, schema);
      console.log(`Wrote ${SCHEMA_FILE}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
