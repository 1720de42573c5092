import path from 'node:path';
import { createTestApp, type TestApp, type TestAppOptions } from '../../../test/support/test-app.ts';

/** Test helpers of the content module: an app seeded from the fixture content folder. */

export const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/content');

/** An app whose content comes from test/fixtures/content, with a manual clock (after every fixture date but one). */
export async function contentTestApp(
  options: TestAppOptions & { contentDir?: string } = {},
): Promise<TestApp> {
  return createTestApp({
    clockAt: '2026-06-01T09:00:00Z',
    ...options,
    env: { CONTENT_DIR: options.contentDir ?? FIXTURES, ...options.env },
  });
}

/** A GET through the app, as a browser would ask for a page. */
export async function get(t: TestApp, url: string, headers: Record<string, string> = {}) {
  return t.http.inject({ method: 'GET', url, headers: { accept: 'text/html', ...headers } });
}
