import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { dayOf } from './domain/rates.ts';
import { staffOf, TAX_RATES_PERMISSION, taxRateJson } from './tax-admin.routes.ts';
import type { TaxRateAdminService } from './tax-rates-admin.service.ts';
import { type RateFormState, TaxRatesPage } from './views/tax-rates-page.tsx';

const hidden = { hide: true } as const;
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
/** Codes the form shows beside its fields instead of an error page. */
const FORM_CODES = new Set(['TAX_RATE_INVALID', 'TAX_RATE_OVERLAP']);
const FIELDS = ['country', 'region', 'kind', 'rate', 'validFrom', 'validTo', 'label'] as const;

/** The staff page of tax rates: a server-rendered list and a POST form (CSRF), thin over the service. */
export function registerTaxAdminPages(
  app: HttpServer,
  deps: { admin: TaxRateAdminService; accounts: AccountsModule; today: () => Date },
): void {
  const { admin, accounts } = deps;
  const guard = accounts.requirePermission(TAX_RATES_PERMISSION);

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    query: { country?: string | undefined; scope?: string | undefined; done?: string | undefined },
    form?: RateFormState,
    status = 200,
  ) {
    const country = /^[A-Za-z]{2}$/.test(query.country ?? '') ? (query.country ?? '').toUpperCase() : '';
    const scope = query.scope === 'all' ? 'all' : 'current';
    const rates = await admin.list({ country: country || undefined, scope });
    const page = TaxRatesPage({
      ...accounts.pageChrome(request, reply),
      rates: rates.map(taxRateJson),
      today: dayOf(deps.today()),
      filter: { country, scope },
      notice: query.done === 'added' ? 'The rate is added.' : null,
      form,
    });
    return sendPage(reply, page, { status, private: true });
  }

  app.get(
    '/admin/tax-rates',
    {
      preHandler: guard,
      schema: {
        ...hidden,
        // Page URLs may carry harmless extra parameters: unknown ones are ignored, not refused.
        querystring: Type.Object(
          { country: field(10), scope: field(10), done: field(20) },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => render(request, reply, request.query),
  );

  app.post(
    '/admin/tax-rates',
    {
      preHandler: guard,
      schema: {
        ...hidden,
        // Every field an optional bounded string: the service checks them and names each problem.
        body: Type.Object(
          {
            _csrf: field(512),
            country: field(100),
            region: field(100),
            kind: field(100),
            rate: field(100),
            validFrom: field(100),
            validTo: field(100),
            label: field(1000),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const values: Record<string, string> = {};
      for (const f of FIELDS) values[f] = b[f] ?? '';
      try {
        await admin.add(staffOf(request), {
          country: values.country ?? '',
          region: values.region,
          kind: values.kind ?? '',
          rate: values.rate ?? '',
          validFrom: values.validFrom ?? '',
          validTo: values.validTo,
          label: values.label ?? '',
        });
      } catch (err) {
        if (!(err instanceof AppError) || !FORM_CODES.has(err.code)) throw err;
        const errors: Record<string, string> = {};
        for (const d of err.details ?? []) {
          const name = d.path?.replace(/^\//, '');
          if (name && !errors[name]) errors[name] = d.message;
        }
        const message =
          err.code === 'TAX_RATE_OVERLAP'
            ? err.message
            : 'Nothing was added: please correct the marked fields.';
        return render(request, reply, {}, { values, errors, message }, err.status);
      }
      return reply.redirect('/admin/tax-rates?done=added', 303);
    },
  );
}
