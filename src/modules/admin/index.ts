/**
 * The admin console. Operations pages (outbox, failed jobs, audit log) today;
 * orders, licenses and customers join as their modules land.
 */
export { createAdminRoutes as createAdminModule } from './admin.routes.ts';
export { AdminService } from './admin.service.ts';
