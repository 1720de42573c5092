import { createHmac } from 'node:crypto';
import { safeEqual } from '../../../platform/crypto/secrets.ts';

/**
 * The rules of a contact request, pure: what a valid message is, the topics, the pipeline
 * (new → contacted → closed) and the form stamp that tells people from scripts.
 */

export const LEAD_TOPICS = ['tools', 'training', 'consulting', 'partnership', 'other'] as const;
export type LeadTopic = (typeof LEAD_TOPICS)[number];
export const TOPIC_LABELS: Record<LeadTopic, string> = {
  tools: 'Tools and licenses',
  training: 'Training and workshops',
  consulting: 'Consulting',
  partnership: 'Partnerships',
  other: 'Something else',
};
export const isLeadTopic = (s: string): s is LeadTopic => (LEAD_TOPICS as readonly string[]).includes(s);

export const LEAD_STATUSES = ['new', 'contacted', 'closed'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
const NEXT: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['contacted', 'closed'],
  contacted: ['closed'],
  closed: [],
};
export const isLeadStatus = (s: string): s is LeadStatus => (LEAD_STATUSES as readonly string[]).includes(s);
export const nextLeadStatuses = (from: string): readonly LeadStatus[] =>
  isLeadStatus(from) ? NEXT[from] : [];
export const canMoveLead = (from: string, to: string) =>
  isLeadStatus(to) && nextLeadStatuses(from).includes(to);
export const LEAD_NOTE_MAX = 2000;

export interface LeadFields {
  name: string;
  email: string;
  organization: string;
  topic: string;
  message: string;
}

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/;

export function leadProblems(f: LeadFields): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const name = f.name.trim();
  const email = f.email.trim();
  const message = f.message.trim();
  if (name.length === 0) out.push({ path: '/name', message: 'Enter your name.' });
  else if (name.length > 100) out.push({ path: '/name', message: 'Use at most 100 characters.' });
  if (!EMAIL.test(email) || email.length > 254)
    out.push({ path: '/email', message: 'Enter a valid email address.' });
  if (f.organization.trim().length > 200)
    out.push({ path: '/organization', message: 'Use at most 200 characters.' });
  if (!isLeadTopic(f.topic)) out.push({ path: '/topic', message: 'Choose what your message is about.' });
  if (message.length === 0) out.push({ path: '/message', message: 'Tell us how we can help.' });
  else if (message.length > 5000) out.push({ path: '/message', message: 'Use at most 5,000 characters.' });
  return out;
}

/** People need seconds to fill the form; scripts post at once. */
export const MIN_FILL_MS = 3_000;
/** A page left open longer than this gets a fresh stamp (and the sender's text back). */
export const STAMP_MAX_AGE_MS = 24 * 60 * 60_000;
/** Messages one address may send in a window; more look like a flood, not a conversation. */
export const EMAIL_BURST = { max: 3, windowMs: 60 * 60_000 };

const mac = (key: Buffer, issuedAt: number) =>
  createHmac('sha256', key).update(`contact-form:${issuedAt}`).digest('base64url').slice(0, 32);

/** The form stamp: when the page was rendered, signed so a script cannot backdate it. */
export function formStamp(key: Buffer, now: Date): string {
  const issuedAt = now.getTime();
  return `${issuedAt}.${mac(key, issuedAt)}`;
}

export type StampCheck = { ok: true } | { ok: false; reason: 'invalid' | 'too-fast' };

export function checkStamp(key: Buffer, stamp: string | undefined, now: Date): StampCheck {
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{32})$/.exec(stamp ?? '');
  if (!m) return { ok: false, reason: 'invalid' };
  const issuedAt = Number(m[1]);
  if (!safeEqual(m[2]!, mac(key, issuedAt))) return { ok: false, reason: 'invalid' };
  const age = now.getTime() - issuedAt;
  if (age > STAMP_MAX_AGE_MS || age < -60_000) return { ok: false, reason: 'invalid' };
  if (age < MIN_FILL_MS) return { ok: false, reason: 'too-fast' };
  return { ok: true };
}
