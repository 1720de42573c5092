import type { PlatformTables } from '../../platform/db/client.ts';
import type { MailCategory, OnboardingTemplate, OrderItem, ProductGroup } from './domain/onboarding-plan.ts';

export type StepStatus = 'scheduled' | 'sent' | 'cancelled' | 'suppressed';
export type PreferenceSource = 'link' | 'one_click' | 'account';

/** The tables of migrations/202611260210_onboarding_init.sql. */
export type OnboardingTables = {
  onboarding_plan: {
    order_id: string;
    order_number: string;
    user_id: string;
    recipient: string;
    recipient_name: string;
    items: OrderItem[];
    paid_at: Date;
    created_at: Date;
  };
  onboarding_step: {
    order_id: string;
    template: OnboardingTemplate;
    category: MailCategory;
    product_group: ProductGroup | null;
    due_at: Date;
    status: StepStatus;
    message_id: string | null;
    /** Why it was cancelled or suppressed ("refund", "unsubscribed"). */
    reason: string | null;
    created_at: Date;
    updated_at: Date;
    sent_at: Date | null;
  };
  mail_preference: {
    email: string;
    marketing: boolean;
    source: PreferenceSource;
    updated_at: Date;
  };
};

export type OnboardingDb = PlatformTables & OnboardingTables;
export type PlanRow = OnboardingTables['onboarding_plan'];
export type OnboardingStepRow = OnboardingTables['onboarding_step'];
