import type { PlatformTables } from '../../platform/db/client.ts';

/** The table of migrations/202612070200_leads_init.sql, as Kysely sees it. */
export type LeadsTables = {
  lead: {
    id: string;
    name: string;
    email: string;
    organization: string | null;
    topic: string;
    message: string;
    /** new | contacted | closed (domain/lead.ts). */
    status: string;
    status_note: string | null;
    status_changed_at: Date | null;
    status_changed_by: string | null;
    created_at: Date;
  };
};

export type LeadsDb = PlatformTables & LeadsTables;
export type LeadRow = LeadsTables['lead'];
