import { type Currency, formatMoney } from '../../../platform/money.ts';
import type { CatalogEntry } from '../domain/catalog-view.ts';
import type { FaqDef, ProductPageDef } from '../domain/marketing.ts';

/** Sections the training and consulting listings add below their product cards. */

export function FaqSection(props: { faq: readonly FaqDef[]; id: string; title?: string }) {
  if (props.faq.length === 0) return null;
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title ?? 'Questions'}</h2>
      <div class="faq">
        {props.faq.map((q) => (
          <details>
            <summary>{q.question}</summary>
            <p>{q.answer}</p>
          </details>
        ))}
      </div>
    </section>
  );
}

const STEPS: [title: string, text: string][] = [
  [
    'A first conversation',
    'Thirty minutes with a consultant, free of charge: what you are building, with which systems and partners, and by when.',
  ],
  [
    'The right shape of engagement',
    'Hours for reviews, pairing and troubleshooting; the readiness assessment when you need a plan; a scoped project when you need hands.',
  ],
  [
    'Work alongside your team',
    'Sessions with the same consultants, notes kept between them, and your balance of hours visible in your account.',
  ],
  [
    'A handover you can run',
    'Every engagement ends with what your team needs to carry on: decisions written down, mappings and profiles in your repository.',
  ],
];

/** /consulting: how an engagement works, the hour blocks side by side, the assessment. */
export function ConsultingSections(props: {
  blocks: readonly CatalogEntry[];
  assessment: ProductPageDef | null;
  currency: Currency;
}) {
  const { currency } = props;
  return (
    <>
      <section aria-labelledby="engagement-title">
        <h2 id="engagement-title">What an engagement looks like</h2>
        <ol class="steps">
          {STEPS.map(([title, text]) => (
            <li>
              <h3>{title}</h3>
              <p>{text}</p>
            </li>
          ))}
        </ol>
      </section>
      {props.blocks.length > 0 && (
        <section aria-labelledby="blocks-title">
          <h2 id="blocks-title">Blocks of hours</h2>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1). */}
          <section class="table-wrap" aria-label="Consulting blocks compared" tabIndex={0}>
            <table class="blocks-table">
              <thead>
                <tr>
                  <th scope="col">Block</th>
                  <th scope="col">Use within</th>
                  <th scope="col">Price</th>
                  <th scope="col">Per hour</th>
                </tr>
              </thead>
              <tbody>
                {props.blocks.map((b) => {
                  const f = b.fulfillment;
                  const hours = f.kind === 'consulting' ? f.hours : null;
                  const months = f.kind === 'consulting' ? f.expiryMonths : null;
                  const amount = b.prices[currency];
                  return (
                    <tr>
                      <th scope="row">
                        <a href={`/products/${b.product.slug}?edition=${b.edition?.code ?? ''}`}>{b.name}</a>
                      </th>
                      <td>{months ? `${months} months` : '—'}</td>
                      <td>{amount === undefined ? '—' : formatMoney(amount, currency)}</td>
                      <td>
                        {amount !== undefined && hours
                          ? formatMoney(Math.round(amount / hours), currency)
                          : '—'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        </section>
      )}
      {props.assessment && (
        <section aria-labelledby="assessment-title">
          <h2 id="assessment-title">The readiness assessment</h2>
          <p>{props.assessment.tagline}</p>
          {props.assessment.overview.map((p) => (
            <p>{p}</p>
          ))}
          {props.assessment.highlights.length > 0 && (
            <ul class="checklist">
              {props.assessment.highlights.map((h) => (
                <li>
                  <strong>{h.title}:</strong> {h.text}
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href="/products/fhir-readiness-assessment">See the assessment’s price and book it</a>, or{' '}
            <a href="/contact?topic=consulting">tell us about your project</a>.
          </p>
        </section>
      )}
    </>
  );
}
