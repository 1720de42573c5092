import type { FaqDef } from '../domain/marketing.ts';
import { FAQ } from '../views/faq.ts';

/**
 * The questions the pricing, training and consulting pages answer. The pricing page's come
 * from views/faq.ts (its first home), keyed by their question; staff edit them afterwards.
 */

const key = (question: string) =>
  question
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80)
    .replace(/-$/, '');

const TRAINING: [string, string][] = [
  [
    'Self-paced or live: which format should I choose?',
    'Self-paced courses suit people who learn best on their own schedule: videos, labs and quizzes, with lifetime access. Live workshops suit teams who want an instructor, hands-on labs together and time for their own questions; you also keep access to the material for 12 months.',
  ],
  [
    'How do I choose the date of a live workshop?',
    'Buy a seat per participant, then tell us which date you want in the welcome mail or from your account. The schedule on each course page shows the seats left; we confirm the date within one business day.',
  ],
  [
    'Do participants get a certificate?',
    'Yes. Everyone who completes the course (the exercises of every module for self-paced courses, attendance of every day for workshops) receives a certificate of completion with the course hours.',
  ],
];

const CONSULTING: [string, string][] = [
  [
    'How do consulting hours work?',
    'You buy a block of 10, 25 or 50 hours and book sessions when you need them. Each session is logged against your balance, which you see in your account; unused hours expire 6, 12 or 18 months after purchase.',
  ],
  [
    'What does the readiness assessment deliver?',
    'A written report on your current systems, interfaces and data, the gaps against the standards and partners that matter to you, and a phased roadmap with effort, resources and risks, presented to your stakeholders.',
  ],
  [
    'Do you need access to patient data?',
    'Usually not: most work is done with synthetic or de-identified data. When a task needs protected health information, we sign a business associate agreement with you first and work inside your environment.',
  ],
];

export const FAQ_SEED: FaqDef[] = [
  ...FAQ.map((q, i) => ({ key: key(q.question), topic: 'pricing' as const, position: i + 1, ...q })),
  ...TRAINING.map(([question, answer], i) => ({
    key: key(question),
    topic: 'training' as const,
    position: i + 1,
    question,
    answer,
  })),
  ...CONSULTING.map(([question, answer], i) => ({
    key: key(question),
    topic: 'consulting' as const,
    position: i + 1,
    question,
    answer,
  })),
];
