import { Alert, Button, Card, FormField, Layout } from '../../../web/index.ts';
import type {
  InvitationInfo,
  MemberInfo,
  OrganizationBilling,
  OrganizationInfo,
  OrgRole,
} from '../accounts.contract.ts';
import { BillingCard } from './org-billing-views.tsx';
import { ActionButton, AuthPage, type FormState, formatDate, type PageProps, PostForm } from './shared.tsx';

/** The organization pages: list and create, one organization's members and invitations, an invitation. */

const ROLE_LABEL: Record<OrgRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  billing: 'Billing',
  member: 'Member',
};

function RoleSelect(props: {
  id: string;
  name: string;
  value: OrgRole;
  allowOwner: boolean;
  label: string;
  visuallyHiddenLabel?: boolean;
}) {
  const roles: OrgRole[] = props.allowOwner
    ? ['member', 'billing', 'admin', 'owner']
    : ['member', 'billing', 'admin'];
  return (
    <div class="form-field">
      <label for={props.id} class={props.visuallyHiddenLabel ? 'visually-hidden' : undefined}>
        {props.label}
      </label>
      <select id={props.id} name={props.name}>
        {roles.map((r) => (
          <option value={r} key={r} selected={r === props.value}>
            {ROLE_LABEL[r]}
          </option>
        ))}
      </select>
    </div>
  );
}

export function OrganizationsPage(props: PageProps & { organizations: OrganizationInfo[] }) {
  const e = props.form?.errors ?? {};
  return (
    <Layout {...props} title="Your organizations" currentPath="/account/organizations">
      <div class="container stack account-page">
        <h1>Your organizations</h1>
        {props.form?.message && <Alert kind={props.form.message.kind}>{props.form.message.text}</Alert>}
        {props.organizations.length === 0 ? (
          <p>You do not belong to any organization yet. Create one, or accept an invitation you were sent.</p>
        ) : (
          <ul>
            {props.organizations.map((o) => (
              <li key={o.id}>
                <a href={`/account/organizations/${o.id}`}>{o.name}</a> — {ROLE_LABEL[o.role]}
              </li>
            ))}
          </ul>
        )}
        <Card title="Create an organization">
          <PostForm
            action="/account/organizations"
            csrfToken={props.csrfToken}
            label="Create an organization"
          >
            <FormField
              name="name"
              label="Organization name"
              required
              maxLength={100}
              value={props.form?.values?.name}
              error={e.name}
            />
            <div class="actions">
              <Button type="submit">Create organization</Button>
            </div>
          </PostForm>
        </Card>
        <p>
          <a href="/account">Back to your account</a>
        </p>
      </div>
    </Layout>
  );
}

export interface OrganizationPageProps extends PageProps {
  organization: OrganizationInfo;
  members: MemberInfo[];
  invitations: InvitationInfo[] | null;
  currentUserId: string;
  notice?: string | null;
  billing: OrganizationBilling | null;
  canEditBilling: boolean;
  /** The failed billing form (its values and errors), shown in the billing card. */
  billingForm?: FormState | undefined;
}

export function OrganizationPage(props: OrganizationPageProps) {
  const { organization: org, csrfToken } = props;
  const base = `/account/organizations/${org.id}`;
  const canManage = org.role === 'owner' || org.role === 'admin';
  const e = props.form?.errors ?? {};
  return (
    <Layout {...props} title={org.name} currentPath={base}>
      <div class="container stack account-page">
        <h1>{org.name}</h1>
        <p>Your role: {ROLE_LABEL[org.role]}</p>
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.form?.message && <Alert kind={props.form.message.kind}>{props.form.message.text}</Alert>}
        <Card title="Members">
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Members of {org.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Joined</th>
                  {canManage && (
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {props.members.map((m) => (
                  <tr key={m.userId}>
                    <td>{m.name}</td>
                    <td>{m.email}</td>
                    <td>{ROLE_LABEL[m.role]}</td>
                    <td>{formatDate(m.joinedAt)}</td>
                    {canManage && (
                      <td>
                        {m.userId !== props.currentUserId && (
                          <>
                            <form
                              method="post"
                              action={`${base}/members/${m.userId}/role`}
                              class="inline-form"
                            >
                              <input type="hidden" name="_csrf" value={csrfToken} />
                              <RoleSelect
                                id={`role-${m.userId}`}
                                name="role"
                                value={m.role}
                                allowOwner={org.role === 'owner'}
                                label={`Role of ${m.name}`}
                                visuallyHiddenLabel
                              />
                              <button type="submit" class="btn btn-secondary btn-small">
                                Change role
                              </button>
                            </form>
                            <ActionButton
                              action={`${base}/members/${m.userId}/remove`}
                              csrfToken={csrfToken}
                              label="Remove"
                              ariaLabel={`Remove ${m.name}`}
                            />
                          </>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {!canManage || org.role !== 'owner' ? (
            <ActionButton
              action={`${base}/members/${props.currentUserId}/remove`}
              csrfToken={csrfToken}
              label="Leave this organization"
            />
          ) : null}
        </Card>
        <BillingCard
          base={base}
          billing={props.billing}
          canEdit={props.canEditBilling}
          csrfToken={csrfToken}
          form={props.billingForm}
        />
        {canManage && props.invitations && (
          <Card title="Invitations">
            {props.invitations.length > 0 ? (
              <ul>
                {props.invitations.map((i) => (
                  <li key={i.id}>
                    {i.email} — {ROLE_LABEL[i.role]} —{' '}
                    {i.status === 'expired' ? 'expired' : `expires ${formatDate(i.expiresAt)}`}
                  </li>
                ))}
              </ul>
            ) : (
              <p>No pending invitations.</p>
            )}
            <PostForm action={`${base}/invitations`} csrfToken={csrfToken} label="Invite someone">
              <FormField
                name="email"
                label="Email address"
                type="email"
                autocomplete="off"
                required
                maxLength={254}
                value={props.form?.values?.email}
                error={e.email}
              />
              <RoleSelect
                id="invite-role"
                name="role"
                value="member"
                allowOwner={org.role === 'owner'}
                label="Role"
              />
              <div class="actions">
                <Button type="submit">Send invitation</Button>
              </div>
            </PostForm>
          </Card>
        )}
        <p>
          <a href="/account/organizations">All your organizations</a>
        </p>
      </div>
    </Layout>
  );
}

export function InvitationPage(
  props: PageProps & {
    invitation: {
      id: string;
      organizationName: string;
      inviterName: string;
      role: OrgRole;
      status: string;
      expiresAt: Date;
    } | null;
  },
) {
  const inv = props.invitation;
  return (
    <AuthPage chrome={props} title="Invitation" currentPath="/invitations" message={props.form?.message}>
      {inv?.status !== 'pending' ? (
        <p>This invitation is invalid, expired or for another email address. Ask for a new one.</p>
      ) : (
        <>
          <p>
            {inv.inviterName} invited you to join <strong>{inv.organizationName}</strong> as{' '}
            {ROLE_LABEL[inv.role].toLowerCase()}. The invitation expires {formatDate(inv.expiresAt)}.
          </p>
          <PostForm
            action={`/invitations/${inv.id}/accept`}
            csrfToken={props.csrfToken}
            label="Accept the invitation"
          >
            <div class="actions">
              <Button type="submit">Accept and join</Button>
            </div>
          </PostForm>
        </>
      )}
    </AuthPage>
  );
}
