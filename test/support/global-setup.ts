import { PG_TEMPLATE_ENV, PGLITE_TEMPLATE_ENV, pgliteTemplate, postgresTemplate } from './template.ts';

/**
 * vitest globalSetup: builds the migrated template once for the whole run (see
 * `template.ts`) and hands it to the test workers through the environment, which the
 * workers inherit. On PostgreSQL the template database is dropped when the run ends.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    process.env[PGLITE_TEMPLATE_ENV] = await pgliteTemplate();
    return undefined;
  }
  const template = await postgresTemplate(serverUrl);
  process.env[PG_TEMPLATE_ENV] = template.name;
  return async () => {
    delete process.env[PG_TEMPLATE_ENV];
    await template.drop();
  };
}
