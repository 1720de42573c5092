import { CONFIG_VARS } from '../config.ts';
import { ERROR_CATALOG } from './errors.ts';

/**
 * Documentation generated from the code: docs/errors.md and the README's
 * configuration table. `npm run docs` rewrites them; tests fail when the
 * committed text differs, so the docs cannot drift.
 */
export function renderErrorDoc(): string {
  const rows = Object.entries(ERROR_CATALOG).map(
    ([code, e]) => `| \`${code}\` | ${e.status} | ${e.message} | ${e.description} |`,
  );
  return [
    '# Error codes',
    '',
    'Every error response has the same JSON shape (browsers navigating to a page get an HTML page instead):',
    '',
    '```json',
    '{ "error": { "code": "VALIDATION_FAILED", "message": "The request is not valid.", "details": [{ "path": "/email", "message": "must match format \\"email\\"" }], "requestId": "…" } }',
    '```',
    '',
    '`code` is stable: match on it, not on `message`. `requestId` is also sent as the `X-Request-Id` header and appears in the server logs.',
    '',
    '| code | HTTP status | default message | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    '_Generated from `src/platform/errors.ts` by `npm run docs`._',
    '',
  ].join('\n');
}

export const CONFIG_TABLE_START = '<!-- config-table:start -->';
export const CONFIG_TABLE_END = '<!-- config-table:end -->';

export function renderConfigTable(): string {
  const rows = Object.values(CONFIG_VARS).map(
    (v) =>
      `| \`${v.name}\` | ${v.default ? `\`${v.default}\`` : '_(empty)_'} | ${v.description}${'secret' in v && v.secret ? ' _Secret: redacted by `fhiriq config`._' : ''} |`,
  );
  return [
    CONFIG_TABLE_START,
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...rows,
    CONFIG_TABLE_END,
  ].join('\n');
}

/** Replaces the generated table between its markers in the README text. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(CONFIG_TABLE_START);
  const end = readme.indexOf(CONFIG_TABLE_END);
  if (start < 0 || end < 0) throw new Error('README.md lacks the config-table markers');
  return readme.slice(0, start) + renderConfigTable() + readme.slice(end + CONFIG_TABLE_END.length);
}
