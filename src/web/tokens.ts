/**
 * Design tokens: the one source for colours, type and shape. The stylesheet
 * reads them as CSS custom properties (generated below); TypeScript reads them
 * where HTML needs a literal value (the theme-color meta tag).
 *
 * Contrast: Ember Orange #F97316 reaches only ~2.8:1 on white, below WCAG AA
 * for text (4.5:1) and for UI components (3:1). It stays the brand token for
 * large decorative use (logo mark, accents, bars), while text, links and
 * button backgrounds under white text use `primaryStrong` #C2410C (~5.2:1 on
 * white, and white on it) and its hover `primaryStronger` #9A3412 (~7.3:1).
 * Slate Gray #64748B passes AA on white (4.8:1) but not on tinted
 * backgrounds, so running text uses `textMuted` #475569 instead.
 */
export const tokens = {
  color: {
    primary: '#F97316',
    primaryStrong: '#C2410C',
    primaryStronger: '#9A3412',
    primaryTint: '#FFF7ED',
    secondary: '#1E40AF',
    secondaryStrong: '#1E3A8A',
    secondaryTint: '#EFF6FF',
    neutral: '#64748B',
    text: '#0F172A',
    textMuted: '#475569',
    surface: '#FFFFFF',
    surfaceMuted: '#F8FAFC',
    border: '#E2E8F0',
    borderStrong: '#94A3B8',
    danger: '#B91C1C',
    dangerTint: '#FEF2F2',
    success: '#15803D',
    successTint: '#F0FDF4',
    footer: '#0F172A',
    footerText: '#CBD5E1',
    // Highlighted code (content bodies), on the dark code block (`footer`): each at least 4.5:1.
    codeText: '#E2E8F0',
    codeKeyword: '#FDBA74',
    codeString: '#86EFAC',
    codeNumber: '#93C5FD',
    codeComment: '#94A3B8',
    codeTitle: '#F9A8D4',
    codeAttr: '#7DD3FC',
  },
  font: {
    sans: "'Inter', 'Inter Fallback', system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    mono: "'JetBrains Mono', 'JetBrains Mono Fallback', ui-monospace, 'Cascadia Mono', Menlo, Consolas, monospace",
  },
  radius: { button: '8px', card: '12px', input: '8px' },
  shadow: {
    card: '0 4px 6px -1px rgba(0, 0, 0, 0.1)',
    raised: '0 10px 15px -3px rgba(0, 0, 0, 0.1)',
  },
  space: { 1: '0.25rem', 2: '0.5rem', 3: '0.75rem', 4: '1rem', 5: '1.5rem', 6: '2rem', 7: '3rem', 8: '4rem' },
  containerWidth: '72rem',
} as const;

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `:root { --color-primary: …; … }`, generated so CSS and TS cannot drift. */
export function tokensCss(): string {
  const lines: string[] = [];
  const groups: Record<string, Record<string, string>> = {
    color: tokens.color,
    font: tokens.font,
    radius: tokens.radius,
    shadow: tokens.shadow,
    space: tokens.space,
  };
  for (const [group, values] of Object.entries(groups)) {
    for (const [key, value] of Object.entries(values)) lines.push(`  --${group}-${kebab(key)}: ${value};`);
  }
  lines.push(`  --container-width: ${tokens.containerWidth};`);
  return `:root {\n${lines.join('\n')}\n}\n`;
}
