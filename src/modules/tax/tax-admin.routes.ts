import Type from 'typebox';
import { BODY_ERRORS, errorResponses } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { percentOf } from './domain/rates.ts';
import { NewTaxRateBody, ScheduledRateSchema, TaxRateListQuery, TaxRateSchema } from './tax.schema.ts';
import type { StaffRate, TaxRateAdminService } from './tax-rates-admin.service.ts';

/**
 * Tax rates are commercial reference data kept by the staff who keep prices:
 * the catalog admins' permission guards them (admin staff; support cannot).
 */
export const TAX_RATES_PERMISSION = 'admin.catalog.manage';

import { staffOf } from '../audit/index.ts';

export { staffOf };

export const taxRateJson = (r: StaffRate) => ({
  id: r.id,
  country: r.country,
  region: r.region,
  jurisdiction: r.region ? `${r.country}-${r.region}` : r.country,
  kind: r.kind,
  ratePercent: percentOf(r.ratePpm),
  validFrom: r.validFrom,
  validTo: r.validTo,
  label: r.label,
  status: r.status,
  createdAt: new Date(r.createdAt).toISOString(),
  createdBy: r.createdBy,
});

/** Staff JSON API of tax rates: thin over TaxRateAdminService. */
export function registerTaxAdminRoutes(
  app: HttpServer,
  deps: { admin: TaxRateAdminService; accounts: AccountsModule },
): void {
  const { admin, accounts } = deps;
  const tags = ['tax admin'];
  const guard = { preHandler: accounts.requirePermission(TAX_RATES_PERMISSION) };
  const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
  const staffErrors = ['UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'] as const;

  app.get(
    '/api/v1/admin/tax-rates',
    {
      ...guard,
      schema: {
        tags,
        summary: 'Tax rates by jurisdiction: current and future periods (or the whole history)',
        security,
        querystring: TaxRateListQuery,
        response: {
          200: Type.Object({ rates: Type.Array(TaxRateSchema) }, { additionalProperties: false }),
          ...errorResponses(...staffErrors, 'VALIDATION_FAILED'),
        },
      },
    },
    async (request) => {
      const rates = await admin.list({ country: request.query.country, scope: request.query.scope });
      return { rates: rates.map(taxRateJson) };
    },
  );

  app.post(
    '/api/v1/admin/tax-rates',
    {
      ...guard,
      schema: {
        tags,
        summary: 'Add a dated tax rate for a country or region (audited)',
        description:
          'Starts today or later: past days keep their rates. The period in force on the start day ends there; a temporary rate (with `validTo`) lets that period resume after it. Overlapping another scheduled period is `TAX_RATE_OVERLAP`; nothing is written on any error.',
        security,
        body: NewTaxRateBody,
        response: {
          201: ScheduledRateSchema,
          ...errorResponses(...BODY_ERRORS, ...staffErrors, 'TAX_RATE_INVALID', 'TAX_RATE_OVERLAP'),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await admin.add(staffOf(request), {
        ...body,
        rate: typeof body.rate === 'number' ? String(body.rate) : body.rate,
      });
      return reply.code(201).send({
        rate: taxRateJson(result.rate),
        closed: result.closed ? taxRateJson(result.closed) : null,
        resumed: result.resumed ? taxRateJson(result.resumed) : null,
      });
    },
  );
}
