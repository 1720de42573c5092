import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import type { SubscriptionService } from './subscriptions.service.ts';

export function registerSubscriptionPages(
  _app: HttpServer,
  _deps: { subscriptions: SubscriptionService; accounts: AccountsModule; payments: PaymentsModule },
): void {}
