import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, linkFromMail, postForm, signedInUser } from './test-support.ts';

/** Organizations: invite → accept → listed; nobody sees another organization's data. */

const PASSWORD = 'correct horse battery';
let t: TestApp;
let owner: CookieJar;
let invitee: CookieJar;
let outsider: CookieJar;
let orgId: string;
let otherOrgId: string;

beforeAll(async () => {
  t = await createTestApp({ log: (await import('../../platform/log.ts')).createLogger('error') });
  owner = await signedInUser(t, 'owner@example.org', PASSWORD, 'Olivia Owner');
  invitee = await signedInUser(t, 'invitee@example.org', PASSWORD, 'Ivan Invitee');
  outsider = await signedInUser(t, 'outsider@example.org', PASSWORD, 'Oscar Outsider');
});
afterAll(async () => t?.close());

describe('organizations', () => {
  it('are created with the creator as owner', async () => {
    const r = await api(t, 'POST', '/api/v1/orgs', { jar: owner, body: { name: 'Acme Health' } });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ name: 'Acme Health', role: 'owner' });
    expect(r.json().slug).toMatch(/^acme-health-[0-9a-f]{8}$/);
    orgId = r.json().id;
    const other = await api(t, 'POST', '/api/v1/orgs', { jar: outsider, body: { name: 'Other Org' } });
    otherOrgId = other.json().id;
    const mine = await api(t, 'GET', '/api/v1/orgs', { jar: owner });
    expect(mine.json().organizations.map((o: { id: string }) => o.id)).toEqual([orgId]);
  });

  it('invite by email → the mailed link → accept → member listed', async () => {
    const invited = await api(t, 'POST', `/api/v1/orgs/${orgId}/invitations`, {
      jar: owner,
      body: { email: 'Invitee@Example.org', role: 'member' },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    const pending = await api(t, 'GET', `/api/v1/orgs/${orgId}/invitations`, { jar: owner });
    expect(pending.json().invitations).toHaveLength(1);

    const link = await linkFromMail(t, 'invitee@example.org', 'accounts.org-invitation', '/invitations/');
    // Not for the outsider: the page says the invitation is not theirs, accepting fails.
    const foreign = await t.http.inject({
      method: 'GET',
      url: link.pathname,
      headers: { accept: 'text/html', cookie: outsider.header() },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain('Acme Health');
    const steal = await api(t, 'POST', `/api/v1/orgs${link.pathname}/accept`, { jar: outsider });
    expect(steal.statusCode).toBe(400);
    expect(steal.json().error.code).toBe('TOKEN_INVALID');

    const page = await csrfFrom(t, invitee, link.pathname);
    expect(page.html).toContain('Acme Health');
    const accepted = await postForm(t, invitee, `${link.pathname}/accept`, { _csrf: page.token });
    expect(accepted.statusCode, accepted.body).toBe(303);
    expect(accepted.headers.location).toBe(`/account/organizations/${orgId}?done=joined`);

    const members = await api(t, 'GET', `/api/v1/orgs/${orgId}/members`, { jar: owner });
    expect(members.json().members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      ['owner@example.org', 'owner'],
      ['invitee@example.org', 'member'],
    ]);
    const html = await t.http.inject({
      method: 'GET',
      url: `/account/organizations/${orgId}`,
      headers: { accept: 'text/html', cookie: invitee.header() },
    });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('Olivia Owner');
  });

  it('let a plain member read but not manage', async () => {
    const invite = await api(t, 'POST', `/api/v1/orgs/${orgId}/invitations`, {
      jar: invitee,
      body: { email: 'someone@example.org', role: 'member' },
    });
    expect(invite.statusCode).toBe(403);
    expect((await api(t, 'GET', `/api/v1/orgs/${orgId}/invitations`, { jar: invitee })).statusCode).toBe(403);
    const ownerId = (await api(t, 'GET', '/api/v1/auth/session', { jar: owner })).json().user.id;
    const demote = await api(t, 'PATCH', `/api/v1/orgs/${orgId}/members/${ownerId}`, {
      jar: invitee,
      body: { role: 'member' },
    });
    expect(demote.statusCode).toBe(403);
  });

  it('let owners change roles and remove members', async () => {
    const inviteeId = (await api(t, 'GET', '/api/v1/auth/session', { jar: invitee })).json().user.id;
    const promoted = await api(t, 'PATCH', `/api/v1/orgs/${orgId}/members/${inviteeId}`, {
      jar: owner,
      body: { role: 'admin' },
    });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json().role).toBe('admin');
    // An admin may now see the invitations, but cannot invite an owner.
    expect((await api(t, 'GET', `/api/v1/orgs/${orgId}/invitations`, { jar: invitee })).statusCode).toBe(200);
    const ownerInvite = await api(t, 'POST', `/api/v1/orgs/${orgId}/invitations`, {
      jar: invitee,
      body: { email: 'boss@example.org', role: 'owner' },
    });
    expect(ownerInvite.statusCode).toBe(403);

    const removed = await api(t, 'DELETE', `/api/v1/orgs/${orgId}/members/${inviteeId}`, { jar: owner });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await api(t, 'GET', `/api/v1/orgs/${orgId}/members`, { jar: invitee })).statusCode).toBe(404);
  });

  it('keep the last owner', async () => {
    const ownerId = (await api(t, 'GET', '/api/v1/auth/session', { jar: owner })).json().user.id;
    const leave = await api(t, 'DELETE', `/api/v1/orgs/${orgId}/members/${ownerId}`, { jar: owner });
    expect(leave.statusCode).toBe(409);
    expect(leave.json().error.code).toBe('CONFLICT');
  });

  it('are invisible to non-members: 404 on every route, JSON and HTML', async () => {
    const ownerId = (await api(t, 'GET', '/api/v1/auth/session', { jar: owner })).json().user.id;
    const attempts = [
      api(t, 'GET', `/api/v1/orgs/${orgId}/members`, { jar: outsider }),
      api(t, 'GET', `/api/v1/orgs/${orgId}/invitations`, { jar: outsider }),
      api(t, 'POST', `/api/v1/orgs/${orgId}/invitations`, {
        jar: outsider,
        body: { email: 'x@example.org', role: 'member' },
      }),
      api(t, 'PATCH', `/api/v1/orgs/${orgId}/members/${ownerId}`, {
        jar: outsider,
        body: { role: 'member' },
      }),
      api(t, 'DELETE', `/api/v1/orgs/${orgId}/members/${ownerId}`, { jar: outsider }),
      api(t, 'GET', `/api/v1/orgs/${otherOrgId}/members`, { jar: owner }),
    ];
    for (const r of await Promise.all(attempts)) {
      expect(r.statusCode, r.body).toBe(404);
      expect(r.body).not.toContain('Acme');
      expect(r.body).not.toContain('owner@example.org');
    }
    const page = await t.http.inject({
      method: 'GET',
      url: `/account/organizations/${orgId}`,
      headers: { accept: 'text/html', cookie: outsider.header() },
    });
    expect(page.statusCode).toBe(404);
    expect(page.body).not.toContain('Acme Health');
    expect((await api(t, 'GET', '/api/v1/orgs', { jar: outsider })).json().organizations).toHaveLength(1);
    expect((await api(t, 'GET', `/api/v1/orgs/${orgId}/members`)).statusCode).toBe(401);
  });

  it('can be read, not changed, with an API token', async () => {
    const { token } = (
      await api(t, 'POST', '/api/v1/account/tokens', { jar: owner, body: { name: 'script' } })
    ).json();
    const headers = { authorization: `Bearer ${token}` };
    expect((await api(t, 'GET', `/api/v1/orgs/${orgId}/members`, { headers })).statusCode).toBe(200);
    const write = await api(t, 'POST', '/api/v1/orgs', { headers, body: { name: 'By Token' } });
    expect(write.statusCode).toBe(403);
  });

  it('work as pages: create, invite, see pending invitations', async () => {
    let { token } = await csrfFrom(t, owner, '/account/organizations');
    const created = await postForm(t, owner, '/account/organizations', { _csrf: token, name: 'Page Org' });
    expect(created.statusCode).toBe(303);
    const path = created.headers.location!.split('?')[0]!;
    ({ token } = await csrfFrom(t, owner, path));
    const bad = await postForm(t, owner, `${path}/invitations`, {
      _csrf: token,
      email: 'not an email',
      role: 'member',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a valid email address.');
    const ok = await postForm(t, owner, `${path}/invitations`, {
      _csrf: token,
      email: 'page-invite@example.org',
      role: 'admin',
    });
    expect(ok.statusCode).toBe(303);
    const page = await t.http.inject({
      method: 'GET',
      url: path,
      headers: { accept: 'text/html', cookie: owner.header() },
    });
    expect(page.body).toContain('page-invite@example.org');
  });
});
