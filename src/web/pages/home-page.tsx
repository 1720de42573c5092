import { Button, Card } from '../components.tsx';
import { Layout, type PageChrome } from '../layout.tsx';

/** A tool as the home page's feature grid shows it (from the catalog, src/modules/catalog). */
export interface HomeTool {
  slug: string;
  name: string;
  /** One line: what the tool does. */
  summary: string;
  /** Two or three short points. */
  points: string[];
  /** `From $29 per month`, or null when the tool has no public price. */
  from: string | null;
}

export interface Testimonial {
  quote: string;
  /** A role and an organisation type, never an invented person's name. */
  attribution: string;
}

export interface HomePageProps extends PageChrome {
  tools: HomeTool[];
  testimonials: Testimonial[];
  /** schema.org Organization (and WebSite) data. */
  jsonLd?: Record<string, unknown>[];
}

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

const WORDS = ['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine'];

export function HomePage(props: HomePageProps) {
  const { tools } = props;
  const count = WORDS[tools.length] ?? String(tools.length);
  return (
    <Layout
      {...props}
      title="FHIR IQ"
      description="FHIR R4 tools, training and consulting for healthcare organisations: map, check, analyse and build on FHIR data."
      canonicalPath="/"
      currentPath="/"
      jsonLd={props.jsonLd}
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
              <Button href="/tools">Explore the tools</Button>
              <Button href="/contact" variant="secondary">
                Talk to an expert
              </Button>
            </div>
          </div>
          <figure class="hero-sample">
            <figcaption>A FHIR R4 Observation, checked by Data Quality Assessments</figcaption>
            <pre>
              <code>{SAMPLE}</code>
            </pre>
          </figure>
        </div>
      </section>

      {tools.length > 0 && (
        <section class="section" aria-labelledby="tools-title">
          <div class="container">
            <h2 id="tools-title">{count} tools for every step of a FHIR project</h2>
            <p class="section-lead">
              Each tool works on its own or alongside the others, on the FHIR R4 data you already have.
            </p>
            <div class="grid grid-4">
              {tools.map((tool) => (
                <Card key={tool.slug} title={tool.name} headingLevel={3} class="feature">
                  <p>{tool.summary}</p>
                  {tool.points.length > 0 && (
                    <ul class="checklist">
                      {tool.points.map((p) => (
                        <li key={p}>{p}</li>
                      ))}
                    </ul>
                  )}
                  {tool.from && <p class="feature-price">{tool.from}</p>}
                  <a class="card-link" href={`/products/${tool.slug}`}>
                    More about {tool.name}
                  </a>
                </Card>
              ))}
            </div>
          </div>
        </section>
      )}

      <section class="section section-muted" aria-labelledby="services-title">
        <div class="container">
          <h2 id="services-title" class="section-title">
            People, not only software
          </h2>
          <div class="grid grid-2">
            <Card title="Training" headingLevel={3} class="feature">
              <p>
                FHIR R4 courses for developers, analysts and clinical informaticists: FHIR Fundamentals, the
                US Core Implementation Guide and Advanced FHIR Implementation, self-paced or as live
                workshops.
              </p>
              <a class="card-link" href="/training">
                Browse courses and workshop dates
              </a>
            </Card>
            <Card title="Consulting" headingLevel={3} class="feature">
              <p>
                Architecture reviews, interface builds and data quality programmes, delivered in blocks of
                hours you use when your project needs them, or as a fixed-price readiness assessment.
              </p>
              <a class="card-link" href="/consulting">
                See how we work
              </a>
            </Card>
          </div>
        </div>
      </section>

      {props.testimonials.length > 0 && (
        <section class="section" aria-labelledby="testimonials-title">
          <div class="container">
            <h2 id="testimonials-title">What our customers say</h2>
            <ul class="grid grid-3 testimonials">
              {props.testimonials.map((t) => (
                <li key={t.quote}>
                  <figure class="testimonial">
                    <blockquote>
                      <p>{t.quote}</p>
                    </blockquote>
                    <figcaption>{t.attribution}</figcaption>
                  </figure>
                </li>
              ))}
            </ul>
          </div>
        </section>
      )}

      <section class="section section-muted" aria-labelledby="learn-title">
        <div class="container">
          <h2 id="learn-title">Learn as you go</h2>
          <div class="grid grid-3">
            <Card title="Blog" headingLevel={3}>
              <p>Practical articles on FHIR R4, US Core, SMART on FHIR, bulk data and data quality.</p>
              <a class="card-link" href="/blog">
                Read the blog
              </a>
            </Card>
            <Card title="Podcast" headingLevel={3}>
              <p>Conversations with the people who build health data exchange, with full transcripts.</p>
              <a class="card-link" href="/podcast">
                Listen to the podcast
              </a>
            </Card>
            <Card title="Case studies" headingLevel={3}>
              <p>How hospitals, payers and health-tech teams put FHIR to work with us.</p>
              <a class="card-link" href="/case-studies">
                Read the case studies
              </a>
            </Card>
          </div>
        </div>
      </section>

      <section class="section cta-band" aria-labelledby="cta-title">
        <div class="container cta-inner">
          <h2 id="cta-title">Ready to make FHIR work for you?</h2>
          <p>
            Compare plans, or tell us about your project and we will get back to you within two business days.
          </p>
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
