import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * The page's WCAG 2.1 A/AA violations, one line each (rule, help, elements), as every browser
 * test checks them.
 *
 * Sections below the first screen have `content-visibility: auto`: the browser renders them only
 * when they come near the viewport. axe's colour-contrast rule scrolls an element into view and
 * reads its background with elementsFromPoint at once, before the next frame has rendered the
 * section: on a busy machine it then sees white button text over the page's white and reports a
 * contrast failure no visitor ever sees. Everything is rendered first (colours and the
 * accessibility tree do not depend on it), through the CSSOM, which the strict CSP allows.
 */
export async function axe(page: Page): Promise<string[]> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        for (const el of document.querySelectorAll<HTMLElement>('*')) {
          if (getComputedStyle(el).getPropertyValue('content-visibility') === 'auto')
            el.style.setProperty('content-visibility', 'visible');
        }
        requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
      }),
  );
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}
