import { describe, expect, it } from 'vitest';
import { tokens, tokensCss } from './tokens.ts';

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) =>
    c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  );
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const c = tokens.color;
const WHITE = '#FFFFFF';

describe('design tokens', () => {
  it('documents why the brand orange is not used for text', () => {
    expect(contrast(c.primary, WHITE)).toBeLessThan(3);
  });

  it.each([
    ['body text on white', c.text, WHITE],
    ['muted text on white', c.textMuted, WHITE],
    ['muted text on the muted surface', c.textMuted, c.surfaceMuted],
    ['links and secondary buttons on white', c.primaryStrong, WHITE],
    ['link hover on white', c.primaryStronger, WHITE],
    ['white on the primary button', WHITE, c.primaryStrong],
    ['white on the primary button hover', WHITE, c.primaryStronger],
    ['eyebrow on the hero tint', c.primaryStrong, c.primaryTint],
    ['secondary button hover on its tint', c.primaryStronger, c.primaryTint],
    ['current nav link on white', c.secondary, WHITE],
    ['nav hover on its tint', c.secondary, c.secondaryTint],
    ['white on the call-to-action band', WHITE, c.secondary],
    ['error text on its tint', c.danger, c.dangerTint],
    ['success text on its tint', c.success, c.successTint],
    ['footer text on the footer', c.footerText, c.footer],
    ['code on the code block', c.codeText, c.footer],
    ['code keywords', c.codeKeyword, c.footer],
    ['code strings', c.codeString, c.footer],
    ['code numbers and literals', c.codeNumber, c.footer],
    ['code comments', c.codeComment, c.footer],
    ['code titles', c.codeTitle, c.footer],
    ['code attributes', c.codeAttr, c.footer],
  ])('%s meets AA for normal text (4.5:1)', (_name, fg, bg) => {
    expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  it.each([
    ['input borders on white', c.neutral, WHITE],
    ['focus ring on white', c.secondary, WHITE],
    ['focus ring on the footer', c.primary, c.footer],
  ])('%s meets AA for UI components (3:1)', (_name, fg, bg) => {
    expect(contrast(fg, bg)).toBeGreaterThanOrEqual(3);
  });

  it('exposes every token as a CSS custom property', () => {
    const css = tokensCss();
    expect(css).toContain('--color-primary: #F97316;');
    expect(css).toContain('--color-primary-strong: #C2410C;');
    expect(css).toContain('--radius-card: 12px;');
    expect(css).toContain('--shadow-card: 0 4px 6px -1px rgba(0, 0, 0, 0.1);');
  });
});
