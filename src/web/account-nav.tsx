/**
 * The customer portal's section navigation, shown on every page under /account
 * (modules that add portal pages add their section here).
 */
export const ACCOUNT_SECTIONS: ReadonlyArray<readonly [href: string, label: string]> = [
  ['/account', 'Dashboard'],
  ['/account/licenses', 'Licenses'],
  ['/account/orders', 'Orders'],
  ['/account/invoices', 'Invoices'],
  ['/account/downloads', 'Downloads'],
  ['/account/support', 'Support'],
  ['/account/subscriptions', 'Subscriptions'],
  ['/account/training', 'Training'],
  ['/account/consulting', 'Consulting'],
  ['/account/organizations', 'Organizations'],
  ['/account/notifications', 'Email'],
  ['/account/settings', 'Settings'],
];

/** The section a path belongs to: the dashboard exactly, the others with their sub-pages. */
export function accountSectionOf(path: string): string | undefined {
  const clean = path.split(/[?#]/)[0] ?? path;
  if (clean === '/account') return '/account';
  return ACCOUNT_SECTIONS.find(
    ([href]) => href !== '/account' && (clean === href || clean.startsWith(`${href}/`)),
  )?.[0];
}

export function AccountSectionNav(props: { currentPath: string }) {
  const current = accountSectionOf(props.currentPath);
  return (
    <nav aria-label="Your account" class="container">
      <ul class="account-nav">
        {ACCOUNT_SECTIONS.map(([href, label]) => (
          <li>
            <a href={href} aria-current={current === href ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
