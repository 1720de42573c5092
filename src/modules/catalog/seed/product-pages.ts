import type { ProductPageDef, Screenshot } from '../domain/marketing.ts';

/**
 * The first version of each product page's copy: what the product does, its highlights,
 * who it is for, the screenshots (made by scripts/tool-screenshots.ts into
 * content/images/tools/) and the documentation link. Staff edit them afterwards.
 */

const shots = (slug: string, items: [alt: string, caption: string][]): Screenshot[] =>
  items.map(([alt, caption], i) => ({
    src: `images/tools/${slug}-${i + 1}.png`,
    alt,
    caption,
    width: 1600,
    height: 1000,
  }));

const page = (p: Partial<ProductPageDef> & Pick<ProductPageDef, 'productKey' | 'tagline' | 'overview'>) => ({
  highlights: [],
  audience: '',
  screenshots: [],
  docsPath: null,
  instructorKey: null,
  prerequisites: '',
  ...p,
});

export const PRODUCT_PAGES: ProductPageDef[] = [
  page({
    productKey: 'TL-MAPPER',
    tagline: 'Turn CSV extracts, HL7 v2 messages and vendor exports into valid FHIR R4 resources.',
    overview: [
      'Mapper to FHIR reads the data you already have — flat files from a registry, HL7 v2 ADT and ORU feeds, JSON from a vendor API — and turns it into FHIR R4 resources that validate against the profiles you choose, such as US Core.',
      'It proposes a mapping for each source column or segment field, explains why, and lets you accept or change it. Every mapping is versioned, so a change is reviewed like code and a run can always be reproduced. Records that do not map cleanly are set aside with the reason, instead of silently becoming bad data.',
    ],
    highlights: [
      {
        title: 'Suggested mappings',
        text: 'Column and segment suggestions with the FHIR path, data type and the reason, ready for review.',
      },
      {
        title: 'Validation while you map',
        text: 'Each sample record is validated against US Core or your own profiles as you edit the mapping.',
      },
      {
        title: 'Terminology lookups',
        text: 'Local codes mapped to LOINC, SNOMED CT and RxNorm through concept maps you keep.',
      },
      {
        title: 'Versioned and repeatable',
        text: 'Mappings are versioned; runs record which version produced which resources.',
      },
    ],
    audience: 'Integration engineers and data teams moving registry, EHR or claims data onto FHIR.',
    screenshots: shots('mapper-to-fhir', [
      [
        'The mapping editor: source columns of a lab results CSV on the left, the FHIR Observation paths they map to on the right, with a confidence for each suggestion.',
        'The mapping editor suggests a FHIR path for each source column.',
      ],
      [
        'A validation panel listing three issues for a mapped Observation, each with its FHIRPath location and the US Core rule it breaks.',
        'Sample records are validated against US Core while you map.',
      ],
      [
        'A run summary: 12,480 records read, 12,402 resources created, 78 records set aside with their reasons.',
        'Every run records what was created and what was set aside.',
      ],
    ]),
    docsPath: '/docs/mapper-to-fhir',
  }),
  page({
    productKey: 'TL-QUALITY',
    tagline: 'Find broken references, missing identifiers and profile violations before your partners do.',
    overview: [
      'Data Quality Assessments scans FHIR R4 data — a server, a Bulk Data export or a folder of NDJSON files — and scores it on completeness, conformance, consistency and timeliness. Each finding points at the resources concerned, the rule they break and how many records share the problem.',
      'Scheduled assessments show whether quality is improving release after release, and the Professional edition lets you write your own rules in FHIRPath for the checks your partners care about.',
    ],
    highlights: [
      {
        title: 'Profile conformance',
        text: 'US Core and your own profiles, with must-support elements and terminology bindings checked.',
      },
      {
        title: 'Referential integrity',
        text: 'References that point nowhere, duplicate identifiers and orphaned resources.',
      },
      {
        title: 'Trends over time',
        text: 'A score per dimension for every run, so regressions show up the day they happen.',
      },
      {
        title: 'Custom rules',
        text: 'FHIRPath rules of your own, versioned with the assessment (Professional).',
      },
    ],
    audience:
      'Data quality leads, interface teams and anyone who must prove their FHIR data is fit for exchange.',
    screenshots: shots('data-quality-assessments', [
      [
        'An assessment dashboard with four scores: completeness 94, conformance 88, consistency 97, timeliness 91.',
        'Four quality dimensions, scored for every run.',
      ],
      [
        'A findings table sorted by impact: missing Patient.identifier, dangling Encounter references, unbound Observation codes.',
        'Findings ranked by how many records they affect.',
      ],
      [
        'A line chart of the conformance score rising over eight weekly runs.',
        'Scheduled runs show quality release after release.',
      ],
    ]),
    docsPath: '/docs/data-quality-assessments',
  }),
  page({
    productKey: 'TL-ANALYTICS',
    tagline: 'Flatten FHIR resources into tables with SQL-on-FHIR views and query them with plain SQL.',
    overview: [
      'FHIR Analytics turns nested FHIR resources into flat tables with SQL-on-FHIR v2 ViewDefinitions, loads them into the database you already run, and keeps them current as new data arrives from a Bulk Data export or a FHIR server.',
      'Analysts write ordinary SQL against patients, encounters, observations and medications, and share the results as dashboards. Views are definitions, not code: they are reviewed, versioned and reused across projects.',
    ],
    highlights: [
      {
        title: 'SQL-on-FHIR v2',
        text: 'ViewDefinitions with FHIRPath columns, where clauses and unnested repeats.',
      },
      {
        title: 'Your database',
        text: 'PostgreSQL, DuckDB or a warehouse: the views load where your analysts already work.',
      },
      {
        title: 'Incremental loads',
        text: 'Bulk Data exports with _since keep the tables current without a full reload.',
      },
      { title: 'Dashboards', text: 'Charts and tables from saved queries, shared with your team.' },
    ],
    audience: 'Analysts, population health teams and researchers who want FHIR data in SQL.',
    screenshots: shots('fhir-analytics', [
      [
        'A ViewDefinition editor turning Observation resources into a table with patient, code, value and date columns.',
        'A ViewDefinition flattens Observations into a table.',
      ],
      [
        'A SQL editor with a query counting HbA1c results above 6.5 percent by month, and its result table.',
        'Plain SQL over the flattened views.',
      ],
      [
        'A dashboard with a bar chart of encounters per month and a table of the top ten conditions.',
        'Saved queries become shared dashboards.',
      ],
    ]),
    docsPath: '/docs/fhir-analytics',
  }),
  page({
    productKey: 'TL-BUILDER',
    tagline: 'Generate a SMART on FHIR app from a description, with launch, scopes and tests already wired.',
    overview: [
      'Build a FHIR App with AI starts a SMART on FHIR application from a short description of what it should do: it chooses the resources and scopes, writes the launch and token handling, and generates the screens and the tests, in a repository that is yours.',
      'The generated app runs against public sandbox servers at once. With the GitHub integration each generation is a pull request you review, and the Professional edition works with your own profiles.',
    ],
    highlights: [
      {
        title: 'SMART launch built in',
        text: 'EHR launch and standalone launch with PKCE, scopes and token refresh.',
      },
      {
        title: 'Reviewable code',
        text: 'TypeScript you can read, with tests; each change a pull request on GitHub.',
      },
      {
        title: 'Sandbox ready',
        text: 'Runs against public FHIR R4 test servers before it touches your EHR.',
      },
      {
        title: 'Your profiles',
        text: 'Custom profiles and extensions drive the generated forms (Professional).',
      },
    ],
    audience: 'Developers and digital health teams who need a working FHIR app in days, not months.',
    screenshots: shots('fhir-app-builder', [
      [
        'A prompt describing a medication list app and the plan the builder made from it: resources, scopes and screens.',
        'From a description to a plan: resources, scopes, screens.',
      ],
      [
        'A pull request opened by the builder, listing the generated files and the passing test run.',
        'Each generation arrives as a pull request.',
      ],
      [
        'The generated app showing a patient banner and a medication list from a sandbox FHIR server.',
        'The generated app runs against a sandbox at once.',
      ],
    ]),
    docsPath: '/docs/fhir-app-builder',
  }),
  page({
    productKey: 'TR-FHIR101',
    tagline:
      'Twenty hours from "what is a resource?" to reading an implementation guide and calling a FHIR API.',
    overview: [
      'FHIR Fundamentals is the course we wish we had had: resources and data types, the REST API and search, terminology, profiles and SMART on FHIR, each module with exercises against a real FHIR R4 test server and sample data that looks like the data you will meet at work.',
      'Take it self-paced, with lifetime access to the videos and labs, or as a three-day live workshop with an instructor, hands-on labs and time for your own questions.',
    ],
    audience: 'Developers, analysts, product managers and clinical informaticists starting with FHIR.',
    prerequisites:
      'Comfort with JSON and the idea of an HTTP API. No programming language is required; the labs use a browser and curl.',
    instructorKey: 'priya-raman',
  }),
  page({
    productKey: 'TR-USCORE',
    tagline: 'What US Core requires, profile by profile, and how to pass the tests that certify it.',
    overview: [
      'US Core Implementation Guide walks through every profile your system must support for USCDI: patients, problems, allergies, vital signs and laboratory results, medications, clinical notes and the search parameters that come with them.',
      'You will build conformant resources, read the must-support rules the way a tester does, and run the HL7 validator and Inferno against your own examples.',
    ],
    audience:
      'Implementers at EHR vendors, health systems and health-tech companies preparing for ONC certification or payer and provider exchange.',
    prerequisites: 'FHIR Fundamentals, or working knowledge of FHIR resources, REST and profiles.',
    instructorKey: 'priya-raman',
  }),
  page({
    productKey: 'TR-ADVANCED',
    tagline: 'Architecture, bulk data, analytics, subscriptions, security and scale for production FHIR.',
    overview: [
      'Advanced FHIR Implementation is a three-day live workshop for teams taking FHIR to production: choosing an architecture, moving data in bulk, analytics with SQL on FHIR, event-driven integration with Subscriptions, security and audit, and running it all at scale.',
      'Every module ends with a lab on a shared environment, and the last afternoon is spent on your own architecture questions.',
    ],
    audience: 'Architects, senior engineers and technical leads responsible for a FHIR platform.',
    prerequisites:
      'Experience building on FHIR R4 (resources, search, profiles) and with at least one production integration.',
    instructorKey: 'daniel-reyes',
  }),
  page({
    productKey: 'TR-CUSTOM',
    tagline: 'A programme built around your team, your systems and your data.',
    overview: [
      'We design a curriculum with you: the modules of our courses your team needs, exercises on your own (de-identified or synthetic) data and systems, and sessions on site or online at times that suit your teams.',
    ],
    audience: 'Organizations training several teams at once.',
  }),
  page({
    productKey: 'CS-BLOCKS',
    tagline: 'Expert hours you use when your project needs them: reviews, pairing, troubleshooting.',
    overview: [
      'A block of hours is the simplest way to work with us. You buy 10, 25 or 50 hours; we schedule a first call within two business days; you use the time for architecture reviews, mapping and profiling work, pairing with your engineers or troubleshooting an interface. Every session is logged against your balance, which you see in your account.',
      'Hours expire 6, 12 or 18 months after purchase depending on the block, and larger blocks cost less per hour.',
    ],
    highlights: [
      { title: 'Start within days', text: 'A first call within two business days of purchase.' },
      {
        title: 'Pay for what you use',
        text: 'Each session is logged against your balance, visible in your account.',
      },
      {
        title: 'One team, your context',
        text: 'The same consultants across sessions, with notes kept between them.',
      },
    ],
  }),
  page({
    productKey: 'CS-ASSESSMENT',
    tagline: 'Where you stand with FHIR, what is missing, and a roadmap — in two to three weeks.',
    overview: [
      'The readiness assessment is a fixed-scope, fixed-price engagement. In the first week we interview your teams and review your systems, interfaces and data; in the second we test sample data against the profiles you need; at the end you receive a written report and a roadmap, presented to your stakeholders.',
    ],
    highlights: [
      {
        title: 'Current state analysis',
        text: 'Systems, interfaces, data flows and the standards they use today.',
      },
      {
        title: 'Gap assessment',
        text: 'Against US Core, your partners’ requirements and the regulations that apply to you.',
      },
      { title: 'Roadmap', text: 'Phased work with effort, resources, risks and how to reduce them.' },
    ],
  }),
  page({
    productKey: 'CS-IMPLEMENTATION',
    tagline: 'From design to go-live: we build FHIR interfaces with your team.',
    overview: [
      'For larger projects we scope the work with you — a FHIR facade over an EHR, a payer API for CMS interoperability rules, a data platform on Bulk Data — and deliver it alongside your engineers, with weekly demos and a handover your team can run.',
    ],
  }),
];
