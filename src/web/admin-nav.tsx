/**
 * The admin console's section navigation, shared by every module that adds
 * pages under /admin (operations, catalog, later orders and licenses).
 */
export const ADMIN_SECTIONS: ReadonlyArray<readonly [href: string, label: string]> = [
  ['/admin', 'Dashboard'],
  ['/admin/catalog', 'Catalog'],
  ['/admin/content', 'Content'],
  ['/admin/customers', 'Customers'],
  ['/admin/orders', 'Orders'],
  ['/admin/invoices', 'Invoices'],
  ['/admin/subscriptions', 'Subscriptions'],
  ['/admin/licenses', 'Licenses'],
  ['/admin/fulfillment', 'Fulfillment'],
  ['/admin/consulting', 'Consulting'],
  ['/admin/onboarding', 'Onboarding'],
  ['/admin/support', 'Support'],
  ['/admin/releases', 'Releases'],
  ['/admin/quotes', 'Quotes'],
  ['/admin/leads', 'Contact requests'],
  ['/admin/tax-rates', 'Tax rates'],
  ['/admin/outbox', 'Outbox'],
  ['/admin/jobs', 'Jobs'],
  ['/admin/audit', 'Audit log'],
];

export function AdminNav(props: { current: string }) {
  return (
    <nav aria-label="Admin">
      <ul class="admin-nav">
        {ADMIN_SECTIONS.map(([href, label]) => (
          <li>
            <a href={href} aria-current={props.current === href ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
