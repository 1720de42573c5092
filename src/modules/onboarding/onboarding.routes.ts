import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { errorResponses as errors } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { ONBOARDING_TEMPLATES } from './domain/onboarding-plan.ts';
import type { OnboardingService, OnboardingView } from './onboarding.service.ts';

/**
 * Staff read an order's onboarding mails with the fulfillment read permission (admins and
 * support): the sequence is part of what a paid order delivers.
 */
export const ONBOARDING_PERMISSIONS = { read: 'admin.fulfillment.read' } as const;

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const OnboardingQuery = Type.Object(
  { orderId: Type.String({ minLength: 1, maxLength: 100, description: 'The order’s id or number.' }) },
  { additionalProperties: false },
);

export const OnboardingJson = Type.Object({
  orderId: Type.String(),
  orderNumber: Type.String(),
  recipient: Type.String(),
  paidAt: Type.String({ format: 'date-time' }),
  items: Type.Array(
    Type.Object({
      lineId: Type.String(),
      sku: Type.String(),
      name: Type.String(),
      productType: Type.Enum(['desktop_software', 'web_service', 'training_course', 'consulting']),
    }),
  ),
  steps: Type.Array(
    Type.Object({
      template: Type.Enum([...ONBOARDING_TEMPLATES]),
      category: Type.Enum(['transactional', 'marketing']),
      productGroup: nullable(Type.Enum(['software', 'training', 'consulting'])),
      dueAt: Type.String({ format: 'date-time' }),
      status: Type.Enum(['scheduled', 'sent', 'cancelled', 'suppressed'], {
        description: '`suppressed`: marketing mail not sent because the recipient unsubscribed.',
      }),
      reason: nullable(Type.String()),
      sentAt: nullable(Type.String({ format: 'date-time' })),
      messageId: nullable(Type.String({ description: 'The message in the outbox (`/admin/outbox/<id>`).' })),
    }),
  ),
});

export const onboardingJson = ({ plan, steps }: OnboardingView) => ({
  orderId: plan.order_id,
  orderNumber: plan.order_number,
  recipient: plan.recipient,
  paidAt: iso(plan.paid_at)!,
  items: plan.items,
  steps: steps.map((s) => ({
    template: s.template,
    category: s.category,
    productGroup: s.product_group,
    dueAt: iso(s.due_at)!,
    status: s.status,
    reason: s.reason,
    sentAt: iso(s.sent_at),
    messageId: s.message_id,
  })),
});

export function registerOnboardingRoutes(
  app: HttpServer,
  deps: { onboarding: OnboardingService; accounts: AccountsModule },
): void {
  app.get(
    '/api/v1/admin/onboarding',
    {
      preHandler: deps.accounts.requirePermission(ONBOARDING_PERMISSIONS.read),
      schema: {
        tags: ['fulfillment'],
        summary: 'Staff: one order’s onboarding mails (scheduled, sent, cancelled, suppressed)',
        description:
          '002’s onboarding sequence of a paid checkout order: each mail with its due time and status. A refund cancels what it made irrelevant; marketing mail to an unsubscribed recipient is `suppressed`.',
        security: [{ sessionCookie: [] }, { bearerToken: [] }],
        querystring: OnboardingQuery,
        response: {
          200: OnboardingJson,
          ...errors(
            'UNAUTHENTICATED',
            'FORBIDDEN',
            'PASSWORD_CHANGE_REQUIRED',
            'VALIDATION_FAILED',
            'NOT_FOUND',
          ),
        },
      },
    },
    async (request) => {
      const view = await deps.onboarding.view(request.query.orderId);
      if (!view) throw new AppError('NOT_FOUND');
      return onboardingJson(view);
    },
  );
}
