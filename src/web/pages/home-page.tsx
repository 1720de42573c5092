import { Button, Card } from '../components.tsx';
import { Layout, type PageChrome } from '../layout.tsx';

interface Tool {
  slug: string;
  name: string;
  summary: string;
  points: string[];
}

const TOOLS: Tool[] = [
  {
    slug: 'fhir-mapper',
    name: 'FHIR Mapper',
    summary: 'Turn CSV extracts, HL7 v2 messages and vendor exports into valid FHIR R4 resources.',
    points: ['Versioned, reviewable mappings', 'Validation against profiles as you map'],
  },
  {
    slug: 'data-quality-scanner',
    name: 'Data Quality Scanner',
    summary: 'Find the problems in FHIR data before your partners do.',
    points: ['Missing identifiers and broken references', 'Terminology and US Core profile checks'],
  },
  {
    slug: 'sql-on-fhir-analytics',
    name: 'SQL-on-FHIR Analytics',
    summary: 'Flatten FHIR resources into tables with ViewDefinitions and query them with plain SQL.',
    points: ['SQL-on-FHIR v2 ViewDefinitions', 'Works with the database you already run'],
  },
  {
    slug: 'smart-app-builder',
    name: 'SMART App Builder',
    summary: 'Start SMART on FHIR apps with launch, scopes and token handling already wired.',
    points: ['EHR and standalone launch flows', 'Test against sandbox FHIR servers'],
  },
];

const SAMPLE = `{
  "resourceType": "Observation",
  "status": "final",
  "code": {
    "coding": [{
      "system": "http://loinc.org",
      "code": "4548-4",
      "display": "Hemoglobin A1c"
    }]
  },
  "subject": { "reference": "Patient/123" },
  "valueQuantity": { "value": 6.1, "unit": "%" }
}`;

export function HomePage(props: PageChrome) {
  return (
    <Layout
      {...props}
      title="FHIR IQ"
      description="FHIR R4 tools, training and consulting for healthcare organisations: map, check, analyse and build on FHIR data."
      canonicalPath="/"
      currentPath="/"
    >
      <section class="hero" aria-labelledby="hero-title">
        <div class="container hero-inner">
          <div class="hero-copy">
            <p class="eyebrow">FHIR R4 tools · Training · Consulting</p>
            <h1 id="hero-title">Put your FHIR data to work</h1>
            <p class="lead">
              FHIR IQ helps hospitals, payers and health-tech teams exchange and use clinical data with HL7
              FHIR R4: software that maps, checks and analyses FHIR resources, courses that make your team
              fluent, and consultants who have built the interfaces before.
            </p>
            <div class="actions">
              <Button href="/pricing">See pricing</Button>
              <Button href="/contact" variant="secondary">
                Talk to an expert
              </Button>
            </div>
          </div>
          <figure class="hero-sample">
            <figcaption>A FHIR R4 Observation, checked by the Data Quality Scanner</figcaption>
            <pre>
              <code>{SAMPLE}</code>
            </pre>
          </figure>
        </div>
      </section>

      <section class="section" aria-labelledby="tools-title">
        <div class="container">
          <h2 id="tools-title">Four tools for every step of a FHIR project</h2>
          <p class="section-lead">
            Each tool works on its own or alongside the others, on the FHIR R4 data you already have.
          </p>
          <div class="grid grid-4">
            {TOOLS.map((tool) => (
              <Card key={tool.slug} title={tool.name} headingLevel={3} class="feature">
                <p>{tool.summary}</p>
                <ul class="checklist">
                  {tool.points.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
                <a class="card-link" href={`/tools#${tool.slug}`}>
                  More about {tool.name}
                </a>
              </Card>
            ))}
          </div>
        </div>
      </section>

      <section class="section section-muted" aria-labelledby="services-title">
        <div class="container">
          <h2 id="services-title" class="section-title">
            People, not only software
          </h2>
          <div class="grid grid-2">
            <Card title="Training" headingLevel={3} class="feature">
              <p>
                Hands-on FHIR R4 courses for developers, analysts and clinical informaticists: resources,
                profiles, terminology, search and SMART on FHIR, taught with real data.
              </p>
              <a class="card-link" href="/training">
                Browse courses
              </a>
            </Card>
            <Card title="Consulting" headingLevel={3} class="feature">
              <p>
                Architecture reviews, interface builds and data quality programmes, delivered in blocks of
                hours you can use when your project needs them.
              </p>
              <a class="card-link" href="/consulting">
                See how we work
              </a>
            </Card>
          </div>
        </div>
      </section>

      <section class="section cta-band" aria-labelledby="cta-title">
        <div class="container cta-inner">
          <h2 id="cta-title">Ready to make FHIR work for you?</h2>
          <p>Compare plans, or tell us about your project and we will get back to you.</p>
          <div class="actions">
            <Button href="/pricing">Compare plans</Button>
            <Button href="/contact" variant="secondary">
              Contact us
            </Button>
          </div>
        </div>
      </section>
    </Layout>
  );
}
