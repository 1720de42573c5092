import type { CourseModuleDef, CourseSessionDef, InstructorDef } from '../domain/marketing.ts';

/**
 * The course outlines of 002's training programmes, their instructors and a first schedule
 * of live workshops. Module hours add up to the course's hours: FHIR Fundamentals 20 (the
 * self-paced course; the 21-hour live workshop covers the same modules plus Q&A), US Core 16,
 * Advanced 21 (three 7-hour days).
 */

type Module = [title: string, hours: number, summary: string, topics: string[]];

const outline = (productKey: string, modules: Module[]): CourseModuleDef[] =>
  modules.map(([title, hours, summary, topics], i) => ({
    productKey,
    position: i + 1,
    title,
    hours,
    summary,
    topics,
  }));

export const COURSE_MODULES: CourseModuleDef[] = [
  ...outline('TR-FHIR101', [
    [
      'Interoperability and where FHIR fits',
      2,
      'Why healthcare data is hard to exchange, and what FHIR changes.',
      [
        'HL7 v2, CDA and FHIR side by side',
        'Resources, REST and the specification',
        'FHIR versions: R4, R4B and R5',
      ],
    ],
    [
      'Resources and data types',
      3,
      'How a resource is built, and the data types every resource reuses.',
      [
        'Anatomy of a resource',
        'Primitive and complex data types',
        'References, contained resources and extensions',
        'JSON and XML',
      ],
    ],
    [
      'The RESTful API',
      3,
      'Reading and writing resources over HTTP, and what servers answer.',
      [
        'Read, vread, create, update, patch, delete',
        'CapabilityStatement',
        'OperationOutcome and status codes',
        'Conditional operations and transactions',
      ],
    ],
    [
      'Search',
      3,
      'Finding the right resources efficiently.',
      [
        'Search parameters and modifiers',
        'Chained and reverse-chained search',
        '_include and _revinclude',
        'Paging through Bundles',
      ],
    ],
    [
      'Terminology',
      3,
      'Codes that mean the same thing to every system.',
      [
        'Coding and CodeableConcept',
        'LOINC, SNOMED CT and RxNorm',
        'Code systems, value sets and bindings',
        '$validate-code and $expand',
      ],
    ],
    [
      'Profiles and implementation guides',
      3,
      'How FHIR is constrained for a use case, and how to check data against it.',
      [
        'StructureDefinition and differential',
        'Cardinality, slicing and must support',
        'Validating instances',
        'Reading an implementation guide',
      ],
    ],
    [
      'Security and SMART on FHIR',
      2,
      'How apps get access to FHIR data, and only the data they need.',
      ['OAuth 2.0 and scopes', 'EHR launch and standalone launch', 'Backend services'],
    ],
    [
      'Capstone: a patient summary, end to end',
      1,
      'Put it together: query, assemble and validate a summary of one patient.',
      ['Query a test server', 'Build and validate a Bundle'],
    ],
  ]),
  ...outline('TR-USCORE', [
    [
      'US Core in context',
      2,
      'USCDI, certification and the versions of US Core you will meet.',
      ['USCDI data classes', 'ONC certification and payer rules', 'US Core versions and what changed'],
    ],
    [
      'People and organizations',
      2,
      'The profiles every other profile points at.',
      ['Patient: identifiers, race, ethnicity and sex', 'Practitioner, PractitionerRole and Organization'],
    ],
    [
      'Problems, health concerns and allergies',
      2,
      'Conditions and allergies as US Core expects them.',
      ['Condition categories', 'AllergyIntolerance and its status codes'],
    ],
    [
      'Observations',
      3,
      'The largest family of profiles.',
      ['Vital signs', 'Laboratory results', 'Smoking status and SDOH assessments'],
    ],
    [
      'Medications',
      2,
      'Orders and lists of medications, coded with RxNorm.',
      ['MedicationRequest', 'Medication and RxNorm'],
    ],
    [
      'Reports and clinical notes',
      2,
      'Results and notes, and how they reference each other.',
      ['DiagnosticReport', 'DocumentReference and clinical notes'],
    ],
    [
      'Must support, missing data and search',
      2,
      'What servers and clients must do, read the way a tester reads it.',
      ['Must-support obligations', 'Missing and suppressed data', 'Mandatory search parameters'],
    ],
    [
      'Testing for conformance',
      1,
      'Prove it before the auditors do.',
      ['The HL7 validator', 'Inferno test kits'],
    ],
  ]),
  ...outline('TR-ADVANCED', [
    [
      'Architecture patterns',
      3,
      'Facade, repository or both: choosing where FHIR lives in your systems.',
      ['FHIR facades over legacy systems', 'FHIR-native repositories', 'Hybrid designs and their trade-offs'],
    ],
    [
      'Bulk data',
      3,
      'Moving whole populations with Bulk Data Access.',
      ['$export and NDJSON', 'Incremental exports with _since', 'Pipelines that recover from failures'],
    ],
    [
      'Analytics with SQL on FHIR',
      3,
      'From nested resources to tables analysts can query.',
      ['ViewDefinitions', 'Warehouses and lakehouses', 'Keeping views current'],
    ],
    [
      'Event-driven integration',
      3,
      'Reacting to changes instead of polling for them.',
      ['Subscriptions (R4 Backport)', 'Topics and notifications', 'Idempotent consumers'],
    ],
    [
      'Security, consent and audit',
      3,
      'Access control that holds up to an audit.',
      ['SMART backend services', 'Consent and data segmentation', 'AuditEvent and Provenance'],
    ],
    [
      'Performance and scale',
      3,
      'Keeping a FHIR server fast as data and traffic grow.',
      ['Search indexing', 'Caching and paging', 'Load testing'],
    ],
    [
      'Running FHIR in production',
      3,
      'Versioning, upgrades and conformance in everyday operations.',
      ['Versioning and R4 to R5', 'Monitoring', 'Conformance tests in CI', 'Your architecture questions'],
    ],
  ]),
];

/** The team who teach (the same people as content/authors/, where their longer bios are). */
export const INSTRUCTORS: InstructorDef[] = [
  {
    key: 'priya-raman',
    name: 'Priya Raman',
    role: 'Head of training',
    bio: 'Priya runs FHIR IQ’s training programme and teaches FHIR Fundamentals and the US Core Implementation Guide. Before FHIR IQ she was a clinical informaticist at a multi-hospital system, translating between clinicians, analysts and interface engineers through two EHR migrations and an ONC certification project.',
  },
  {
    key: 'daniel-reyes',
    name: 'Daniel Reyes',
    role: 'Founder and principal FHIR architect',
    bio: 'Daniel has spent fifteen years building interfaces between hospital systems, from HL7 v2 feeds to the FHIR APIs certified EHRs must offer. He has designed US Core servers for two health systems and leads Advanced FHIR Implementation.',
  },
  {
    key: 'grace-adeyemi',
    name: 'Grace Adeyemi',
    role: 'Data quality lead',
    bio: 'Grace leads the quality checks behind Data Quality Assessments. A former laboratory information systems analyst, she teaches the terminology and profile modules, and why data that validates can still be wrong.',
  },
  {
    key: 'tomas-lindqvist',
    name: 'Tomas Lindqvist',
    role: 'Lead data engineer',
    bio: 'Tomas builds population-health pipelines on Bulk Data and SQL on FHIR, and teaches the bulk data and analytics days of Advanced FHIR Implementation.',
  },
];

/** The first Tuesday on or after `from`, plus `weeks` weeks. */
function tuesday(from: Date, weeks: number): Date {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  d.setUTCDate(d.getUTCDate() + ((2 - d.getUTCDay() + 7) % 7) + weeks * 7);
  return d;
}

const day = (d: Date, plus = 0) => {
  const x = new Date(d);
  x.setUTCDate(x.getUTCDate() + plus);
  return x.toISOString().slice(0, 10);
};

/**
 * A first schedule, placed from the day the catalog is first seeded (the seeder inserts
 * missing sessions by id only, so later starts never move them): workshops from four weeks
 * out, Tuesday to Thursday (3 days) or Tuesday and Wednesday (2 days).
 */
export function seedSessions(now: Date): CourseSessionDef[] {
  const session = (
    id: string,
    sku: string,
    weeks: number,
    days: number,
    zone: string,
    hours: [string, string],
    seatsTaken: number,
    instructorKey: string,
  ): CourseSessionDef => {
    const start = tuesday(now, weeks);
    return {
      id,
      sku,
      startsOn: day(start),
      endsOn: day(start, days - 1),
      dailyStart: hours[0],
      dailyEnd: hours[1],
      timeZone: zone,
      location: 'Online, live video',
      capacity: 16,
      seatsTaken,
      instructorKey,
      status: 'scheduled',
    };
  };
  const us: [string, string] = ['10:00', '17:00'];
  const eu: [string, string] = ['09:00', '16:00'];
  return [
    session('ses_fhir101_1', 'TR-FHIR101-LV-S', 4, 3, 'America/New_York', us, 11, 'priya-raman'),
    session('ses_fhir101_2', 'TR-FHIR101-LV-S', 9, 3, 'Europe/London', eu, 4, 'grace-adeyemi'),
    session('ses_fhir101_3', 'TR-FHIR101-LV-S', 14, 3, 'America/Chicago', us, 0, 'priya-raman'),
    session('ses_uscore_1', 'TR-USCORE-LV-S', 6, 2, 'America/New_York', us, 7, 'priya-raman'),
    session('ses_uscore_2', 'TR-USCORE-LV-S', 16, 2, 'America/Los_Angeles', us, 0, 'grace-adeyemi'),
    session('ses_advanced_1', 'TR-ADVANCED-LV-S', 8, 3, 'America/New_York', us, 9, 'daniel-reyes'),
    session('ses_advanced_2', 'TR-ADVANCED-LV-S', 18, 3, 'Europe/Berlin', eu, 2, 'tomas-lindqvist'),
  ];
}
