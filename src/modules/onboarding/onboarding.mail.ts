import {
  type Block,
  button,
  heading,
  link,
  list,
  type MailContent,
  p,
  renderMail,
  steps,
} from '../../web/index.ts';
import type { OnboardingTemplate, OrderItem, ProductGroup } from './domain/onboarding-plan.ts';
import { groupOf } from './domain/onboarding-plan.ts';

/**
 * The seven onboarding mails. Subjects are 002's (`getEmailSubject`), typography fixed (an em
 * dash, curly apostrophes). 002's links pointed at hosts that do not exist (docs.fhiriq.com,
 * training.fhiriq.com, community.fhiriq.com): every link here is a page of this installation
 * (PUBLIC_URL), or the configured booking page.
 */

export const ONBOARDING_SUBJECTS: Readonly<Record<OnboardingTemplate, string>> = {
  'onboarding.welcome': 'Welcome to FHIR IQ! Let’s get you started',
  'onboarding.software-activation': 'Ready to activate your FHIR IQ software?',
  'onboarding.software-tips': 'Pro tips for getting the most from FHIR IQ',
  'onboarding.training-access': 'Your FHIR training is ready — start learning!',
  'onboarding.learning-path': 'Your personalized FHIR learning path',
  'onboarding.consultation-scheduling': 'Schedule your expert FHIR consultation',
  'onboarding.success-checkin': 'How’s your FHIR implementation going?',
};

export interface OnboardingMailInput {
  template: OnboardingTemplate;
  /** PUBLIC_URL, without a trailing slash. */
  base: string;
  /** Where a consultation is booked (CONSULTING_BOOKING_URL). */
  bookingUrl: string;
  recipientName: string;
  orderNumber: string;
  /** What the order delivers (each line or bundle component), refunded lines left out. */
  items: readonly OrderItem[];
  /** Marketing mail only: the signed unsubscribe page. */
  unsubscribeUrl?: string;
}

const names = (items: readonly OrderItem[], group?: ProductGroup): string[] => [
  ...new Set(items.filter((i) => !group || groupOf(i.productType) === group).map((i) => i.name)),
];

const WHERE: Record<ProductGroup, (base: string) => string> = {
  software: (base) => `license keys, seats and machines: ${base}/account/licenses`,
  training: (base) => `courses and access keys: ${base}/account/training`,
  consulting: (base) => `consulting hours and their balance: ${base}/account/consulting`,
};

function content(input: OnboardingMailInput): Omit<MailContent, 'footer'> {
  const { base, items } = input;
  const title = ONBOARDING_SUBJECTS[input.template];
  const hello = p(`Hello ${input.recipientName},`);
  const groups = (['software', 'training', 'consulting'] as const).filter((g) => names(items, g).length);
  switch (input.template) {
    case 'onboarding.welcome': {
      const next: string[] = [
        ...(groups.includes('training') ? ['In about two hours: how to open your courses.'] : []),
        ...(groups.includes('consulting')
          ? ['In about four hours: how to book your first consultation.']
          : []),
        ...(groups.includes('software') ? ['Tomorrow: activating your software, step by step.'] : []),
      ];
      return {
        title,
        preheader: `Order ${input.orderNumber} is paid. Here is where everything is.`,
        blocks: [
          hello,
          p(
            `Thank you for choosing FHIR IQ. Your order ${input.orderNumber} is paid, and this is what it includes:`,
          ),
          list(names(items)),
          heading('Where to find it'),
          list(groups.map((g) => WHERE[g](base))),
          ...(next.length ? [heading('What comes next'), list(next)] : []),
          button('Open your account', `${base}/account`),
          p(`Your order and its receipt: ${base}/account/orders`),
        ],
      };
    }
    case 'onboarding.software-activation': {
      const desktop = items.some((i) => i.productType === 'desktop_software');
      const web = items.some((i) => i.productType === 'web_service');
      return {
        title,
        preheader: 'Your license keys are in your account. Activation takes a few minutes.',
        blocks: [
          hello,
          p(`Your software from order ${input.orderNumber} is licensed and ready to activate:`),
          list(names(items, 'software')),
          ...(desktop
            ? [
                heading('Activate on your computer'),
                steps([
                  `Sign in and open ${base}/account/licenses: each license shows its full key (FHIR-XXXX-XXXX-XXXX-XXXX-XXXX), its seats and the machines it runs on.`,
                  'Start the application and enter the license key when it asks for one. The machine is activated and receives a signed machine file, so it keeps working offline for a while.',
                  `Seat licenses: assign your colleagues as named users on the same page; each named user counts as one seat.`,
                  'Moving to a new computer? Deactivate the old one from the application, or release it on the licenses page, then activate the new one.',
                ]),
              ]
            : []),
          ...(web
            ? [
                heading('Start using your hosted service'),
                steps([
                  `Sign in at ${base}/sign-in with the address you bought with: the service runs on FHIR IQ, nothing to install.`,
                  `Open ${base}/account/licenses and copy the license key of the service.`,
                  'Open the service and enter the key when it asks for one; your team’s named users sign in with their own addresses.',
                  'What the plan includes and what you have used this month shows on the license page; you are mailed at 80 % and 100 %.',
                ]),
              ]
            : []),
          heading('For developers'),
          p(
            'Building FHIR IQ licensing into your own scripts or deployment? The license client SDK (package @fhiriq/license-client) activates, validates with signed answers, caches results for 24 hours and verifies machine files offline.',
          ),
          link('Key set that machine files are signed with', `${base}/.well-known/fhiriq/keys.json`),
          link('API reference', `${base}/docs`),
          button('Get your license keys', `${base}/account/licenses`),
          p(
            `Stuck at any step? Write to us from ${base}/contact with your order number, ${input.orderNumber}.`,
          ),
        ],
      };
    }
    case 'onboarding.software-tips':
      return {
        title,
        preheader: 'Small habits that keep your FHIR IQ tools fast, licensed and out of your way.',
        blocks: [
          hello,
          p(`A few days in with ${names(items, 'software').join(', ')}: here is what experienced users do.`),
          heading('Work with FHIR'),
          list([
            'Start with a small, de-identified sample of your data and validate the output against the FHIR R4 base specification before loading anything into a server.',
            'Pin the implementation guides you exchange data with (US Core, IPS or your national base profiles) and validate against them, not just the base resources.',
            'Keep references resolvable: give every resource a stable identifier from your source system, so re-running a load updates instead of duplicating.',
          ]),
          heading('Keep licensing out of your way'),
          list([
            'Validation results are cached for 24 hours and a short grace period covers network outages, so there is no need to validate on every action.',
            'Retiring a machine? Release it on your licenses page first, so its activation is free for the next one.',
            'Assign named users by email on the licenses page instead of sharing keys: seats stay accounted for and transfers stay simple.',
          ]),
          link('Your licenses', `${base}/account/licenses`),
          link('API reference', `${base}/docs`),
          link('More FHIR IQ tools', `${base}/tools`),
        ],
      };
    case 'onboarding.training-access':
      return {
        title,
        preheader: 'Your access keys are waiting in your account.',
        blocks: [
          hello,
          p(`Your training from order ${input.orderNumber} is ready:`),
          list(names(items, 'training')),
          steps([
            `Sign in and open ${base}/account/training.`,
            'Each course shows its access key, its seats and how long access lasts (self-paced courses: for life; live workshops: for the months shown).',
            'Open the course with the key. If you bought several seats, the same key admits your colleagues, up to the seats you bought.',
          ]),
          button('Start learning', `${base}/account/training`),
          p(
            'Keep your access keys to yourself: a key opens the course for everyone who has it, up to your seats.',
          ),
        ],
      };
    case 'onboarding.learning-path':
      return {
        title,
        preheader: 'An order to take your FHIR learning in, from first resources to production APIs.',
        blocks: [
          hello,
          p(`You are enrolled in ${names(items, 'training').join(', ')}. A path that works for most teams:`),
          steps([
            'Foundations: resources, data types, references and bundles; read and search a public test server with the RESTful API.',
            'Profiling: StructureDefinitions, extensions and implementation guides; validate your own examples against US Core or your national profiles.',
            'Terminology: CodeSystems and ValueSets, LOINC and SNOMED CT bindings, and $validate-code.',
            'Security and scale: SMART on FHIR authorization, Bulk Data export and subscriptions.',
          ]),
          p(
            'Two or three focused hours a week beat a lost weekend: finish one module, then try it on your own data before moving on.',
          ),
          link('Your courses', `${base}/account/training`),
          link('All FHIR IQ training', `${base}/training`),
        ],
      };
    case 'onboarding.consultation-scheduling':
      return {
        title,
        preheader: 'Book a time with a FHIR expert and make the most of your hours.',
        blocks: [
          hello,
          p(`Your consulting from order ${input.orderNumber} is ready to schedule:`),
          list(names(items, 'consulting')),
          button('Book your consultation', input.bookingUrl),
          heading('Before the first session'),
          list([
            'Your goal in one sentence: an interface to go live, a readiness question, a data-quality problem.',
            'What you run today: EHR or source systems, HL7 v2 feeds, FHIR servers and their versions.',
            'A de-identified sample of the data in question (never real patient data by mail).',
          ]),
          p(
            `Your hours, their expiry date and every session booked against them are on ${base}/account/consulting. A fixed-scope engagement has no hours: we contact you to plan it.`,
          ),
        ],
      };
    case 'onboarding.success-checkin':
      return {
        title,
        preheader: 'A week in: what is working, and what is in your way?',
        blocks: [
          hello,
          p(
            `It has been a week since order ${input.orderNumber}. We would like to know how your FHIR work is going, and whether anything is in your way.`,
          ),
          list([
            ...(groups.includes('software') ? [`Your tools and licenses: ${base}/account/licenses`] : []),
            ...(groups.includes('training') ? [`Your courses: ${base}/account/training`] : []),
            ...(groups.includes('consulting') ? [`Your consulting hours: ${base}/account/consulting`] : []),
          ]),
          p('Tell us what went well and what did not: two lines are enough, and a person reads them.'),
          button('Tell us how it’s going', `${base}/contact`),
          p(`Need an expert for the next step? Consulting hours: ${base}/consulting`),
        ],
      };
  }
}

/** Subject, text and HTML of one onboarding mail. */
export function composeOnboardingMail(input: OnboardingMailInput): {
  subject: string;
  text: string;
  html: string;
} {
  const c = content(input);
  const reason = `You receive this mail because of your FHIR IQ order ${input.orderNumber}.`;
  return {
    subject: ONBOARDING_SUBJECTS[input.template],
    ...renderMail({
      ...c,
      blocks: c.blocks.filter((b: Block) => b.kind !== 'list' || b.items.length > 0),
      footer: input.unsubscribeUrl ? { reason, unsubscribeUrl: input.unsubscribeUrl } : { reason },
    }),
  };
}
