import Type, { type Static } from 'typebox';

/**
 * Schemas of the staff API over the product pages' data (marketing-admin.routes.ts). Request
 * objects are closed and every string bounded, matching the table constraints of
 * migrations/202612070100_catalog_marketing.sql, so a bad edit is a 400 before any SQL.
 */

const closed = { additionalProperties: false } as const;
const text = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max });
const Slug = (max: number) =>
  Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 1, maxLength: max });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, wall clock.' });
const CalendarDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD.' });

export const ProductKeyParams = Type.Object(
  {
    key: Type.String({
      pattern: '^[A-Z]{2}-[A-Z0-9]{2,20}$',
      description: 'A product key, e.g. `TL-MAPPER`.',
    }),
  },
  closed,
);
export const InstructorParams = Type.Object({ key: Slug(60) }, closed);
export const SessionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 40 }) }, closed);
export const FaqParams = Type.Object(
  {
    topic: Type.Enum(['pricing', 'training', 'consulting'], {
      description: 'Which page the questions are on.',
    }),
  },
  closed,
);

const Highlight = Type.Object({ title: text(120, 1), text: text(500, 1) }, closed);
const Screenshot = Type.Object(
  {
    src: Type.String({
      pattern: '^images/[a-z0-9/_-]+\\.(png|jpe?g)$',
      maxLength: 200,
      description: 'Relative to content/, e.g. `images/tools/mapper-to-fhir-1.png`.',
    }),
    alt: text(500, 1),
    caption: text(300),
    width: Type.Integer({ minimum: 1, maximum: 10_000 }),
    height: Type.Integer({ minimum: 1, maximum: 10_000 }),
  },
  closed,
);

export const PageBody = Type.Object(
  {
    tagline: text(200, 1),
    overview: Type.Array(text(3000, 1), {
      minItems: 1,
      maxItems: 10,
      description: 'Paragraphs of plain text.',
    }),
    highlights: Type.Array(Highlight, { maxItems: 12 }),
    audience: text(1000),
    screenshots: Type.Array(Screenshot, { maxItems: 12 }),
    docsPath: Nullable(Type.String({ pattern: '^/docs/[a-z0-9-]+(/[a-z0-9-]+)*$', maxLength: 200 })),
    instructorKey: Nullable(Slug(60)),
    prerequisites: text(1000),
  },
  closed,
);
export type PageBodyInput = Static<typeof PageBody>;

const ModuleBody = Type.Object(
  {
    title: text(200, 1),
    hours: Type.Integer({ minimum: 1, maximum: 100 }),
    summary: text(1000),
    topics: Type.Array(text(200, 1), { maxItems: 20 }),
  },
  closed,
);
export const OutlineBody = Type.Object(
  { modules: Type.Array(ModuleBody, { maxItems: 40, description: 'In teaching order.' }) },
  closed,
);

export const InstructorBody = Type.Object(
  { name: text(120, 1), role: text(200, 1), bio: text(2000, 1) },
  closed,
);

const sessionFields = {
  startsOn: CalendarDate,
  endsOn: CalendarDate,
  dailyStart: Time,
  dailyEnd: Time,
  timeZone: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'IANA time zone, e.g. `America/New_York`.',
  }),
  location: text(200, 1),
  capacity: Nullable(Type.Integer({ minimum: 1, maximum: 1000 })),
  seatsTaken: Type.Integer({ minimum: 0, maximum: 1000 }),
  instructorKey: Nullable(Slug(60)),
  status: Type.Enum(['scheduled', 'cancelled']),
};
export const SessionCreateBody = Type.Object(
  {
    sku: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'A live-workshop SKU, e.g. `TR-FHIR101-LV-S`.',
    }),
    ...sessionFields,
    capacity: Type.Optional(sessionFields.capacity),
    seatsTaken: Type.Optional(sessionFields.seatsTaken),
    instructorKey: Type.Optional(sessionFields.instructorKey),
    status: Type.Optional(sessionFields.status),
  },
  closed,
);
export const SessionPatchBody = Type.Object(
  {
    startsOn: Type.Optional(sessionFields.startsOn),
    endsOn: Type.Optional(sessionFields.endsOn),
    dailyStart: Type.Optional(sessionFields.dailyStart),
    dailyEnd: Type.Optional(sessionFields.dailyEnd),
    timeZone: Type.Optional(sessionFields.timeZone),
    location: Type.Optional(sessionFields.location),
    capacity: Type.Optional(sessionFields.capacity),
    seatsTaken: Type.Optional(sessionFields.seatsTaken),
    instructorKey: Type.Optional(sessionFields.instructorKey),
    status: Type.Optional(sessionFields.status),
  },
  { ...closed, minProperties: 1 },
);

export const FaqBody = Type.Object(
  {
    entries: Type.Array(
      Type.Object({ key: Slug(80), question: text(300, 1), answer: text(3000, 1) }, closed),
      {
        maxItems: 40,
        description: 'In page order.',
      },
    ),
  },
  closed,
);

// ---- responses -----------------------------------------------------------------------------------------------

export const PageSchema = Type.Object({ productKey: Type.String(), ...PageBody.properties }, closed);
export const ModuleSchema = Type.Object(
  { productKey: Type.String(), position: Type.Integer(), ...ModuleBody.properties },
  closed,
);
export const InstructorSchema = Type.Object({ key: Type.String(), ...InstructorBody.properties }, closed);
export const SessionSchema = Type.Object({ id: Type.String(), sku: Type.String(), ...sessionFields }, closed);
export const FaqSchema = Type.Object(
  {
    key: Type.String(),
    topic: Type.String(),
    position: Type.Integer(),
    question: Type.String(),
    answer: Type.String(),
  },
  closed,
);
export const MarketingSchema = Type.Object(
  {
    pages: Type.Array(PageSchema),
    modules: Type.Array(ModuleSchema),
    instructors: Type.Array(InstructorSchema),
    sessions: Type.Array(SessionSchema),
    faq: Type.Array(FaqSchema),
  },
  closed,
);
