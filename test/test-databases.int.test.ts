import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { onPostgres } from './support/database.ts';
import { dropStaleDatabases } from './support/template.ts';

// The test runs' own housekeeping on the PostgreSQL server: a run killed with SIGKILL leaves its
// template and test databases behind, and a later run drops them — never one still in use.

describe.runIf(onPostgres)('databases left behind by killed test runs', () => {
  it('drops those of a process that is gone, once old enough, and nothing else', async () => {
    const serverUrl = process.env.TEST_DATABASE_URL!;
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const now = Math.floor(Date.now() / 1000);
    const names = {
      deadOldTemplate: `fhiriq_tpl_${'0'.repeat(16)}_${gone}_${now - 7200}`,
      deadOldTest: `fhiriq_test_${gone}_${now - 7200}_00aa11bb`,
      deadRecent: `fhiriq_test_${gone}_${now - 60}_00aa11bb`,
      aliveOld: `fhiriq_test_${process.pid}_${now - 7200}_00aa11bb`,
      notOurs: `fhiriq_x_${gone}_${now - 7200}`,
    };
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      for (const name of Object.values(names)) await c.query(`CREATE DATABASE ${name}`);
      await c.query(`ALTER DATABASE ${names.deadOldTemplate} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      const dropped = await dropStaleDatabases(serverUrl, now);
      expect(dropped.sort()).toEqual([names.deadOldTemplate, names.deadOldTest].sort());
      const left = await c.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname = ANY($1)',
        [Object.values(names)],
      );
      expect(left.rows.map((r) => r.datname).sort()).toEqual(
        [names.deadRecent, names.aliveOld, names.notOurs].sort(),
      );
    } finally {
      for (const name of Object.values(names)) {
        await c.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`).catch(() => {});
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
      await c.end();
    }
  });
});
