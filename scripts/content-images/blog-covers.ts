/**
 * The blog's cover images: one diagram per post, each showing the post's subject (a resource
 * graph, a launch sequence, an export pipeline…) rather than decorating it.
 */
import { arrow, C, cover, node, text } from './svg-kit.ts';

/** FHIR R4 basics: a small resource graph inside a searchset Bundle. */
function resourceGraph(): string {
  const body = [
    `<rect x="150" y="340" width="1300" height="520" rx="20" fill="none" stroke="${C.borderStrong}" stroke-width="3" stroke-dasharray="14 10"/>`,
    text(176, 380, 'Bundle  ·  type: searchset', { size: 24, weight: 700, fill: C.textMuted }),
    arrow(440, 560, 680, 625, { label: 'subject', dy: -18 }),
    arrow(330, 600, 330, 700, { label: 'encounter', dx: 14, dy: 8, labelAnchor: 'start' }),
    arrow(440, 760, 680, 680, { label: 'subject', dy: 34 }),
    arrow(1160, 560, 920, 625, { label: 'subject', dy: 40 }),
    arrow(920, 680, 1160, 760, { label: 'generalPractitioner', dx: 50, dy: 44, labelAnchor: 'end' }),
    arrow(800, 602, 800, 497, { label: 'managingOrganization', dx: 16, dy: -14, labelAnchor: 'start' }),
    node({ x: 800, y: 650, w: 240, h: 96 }, 'Patient', ['Patient/123'], 'orange', 32),
    node({ x: 330, y: 550, w: 230, h: 96 }, 'Observation', ['code: LOINC 4548-4']),
    node({ x: 330, y: 760, w: 230, h: 96 }, 'Encounter', ['class: AMB']),
    node({ x: 1270, y: 550, w: 230, h: 96 }, 'Condition', ['code: SNOMED CT']),
    node({ x: 1270, y: 760, w: 230, h: 96 }, 'Practitioner', ['identifier: NPI']),
    node({ x: 800, y: 450, w: 250, h: 90 }, 'Organization', ['Organization/7'], 'blue'),
  ].join('');
  return cover('FHIR R4 basics', ['Resources, references, bundles and search'], body);
}

/** US Core: FHIR R4 → US Core profiles → USCDI, and the versions that follow USCDI. */
function usCoreLayers(): string {
  const band = (y: number, title: string, sub: string, tone: 'plain' | 'blue' | 'orange') =>
    node({ x: 500, y, w: 800, h: 120 }, title, [sub], tone, 30);
  const versions: [string, string][] = [
    ['3.1.1', 'USCDI v1'],
    ['5.0.1', 'USCDI v2'],
    ['6.1.0', 'USCDI v3'],
    ['7.0.0', 'USCDI v4'],
    ['8.0.x', 'USCDI v5'],
  ];
  const chips = versions
    .map(([v, u], i) => {
      const y = 380 + i * 96;
      const tone = v === '6.1.0' ? C.primary : C.borderStrong;
      return [
        `<rect x="1050" y="${y}" width="420" height="74" rx="37" fill="${C.surface}" stroke="${tone}" stroke-width="3"/>`,
        text(1090, y + 48, `US Core ${v}`, { size: 26, weight: 700 }),
        text(1440, y + 48, u, { size: 24, fill: C.textMuted, anchor: 'end' }),
      ].join('');
    })
    .join('');
  const body = [
    band(420, 'USCDI data classes and elements', 'what must be exchangeable (ONC / ASTP)', 'orange'),
    arrow(500, 482, 500, 548, { colour: 'grey' }),
    band(610, 'US Core profiles', 'Must Support  ·  bindings  ·  required searches', 'blue'),
    arrow(500, 672, 500, 738, { colour: 'grey' }),
    band(800, 'FHIR R4 (4.0.1) base resources', 'Patient  ·  Observation  ·  Condition  ·  …', 'plain'),
    chips,
  ].join('');
  return cover('US Core', ['Profiles, Must Support, USCDI and versions'], body);
}

/** SMART App Launch: the EHR launch as a sequence diagram. */
function launchSequence(): string {
  const lanes: [number, string][] = [
    [230, 'App'],
    [610, 'EHR'],
    [990, 'Authorization server'],
    [1370, 'FHIR server'],
  ];
  const heads = lanes
    .map(([x, name]) =>
      [
        `<line x1="${x}" y1="380" x2="${x}" y2="860" stroke="${C.borderStrong}" stroke-width="2" stroke-dasharray="8 8"/>`,
        node(
          { x, y: 350, w: name.length > 5 ? 330 : 200, h: 64 },
          name,
          [],
          name === 'App' ? 'orange' : 'blue',
          26,
        ),
      ].join(''),
    )
    .join('');
  const msg = (from: number, to: number, y: number, label: string, colour: 'blue' | 'orange' = 'blue') =>
    arrow(from, y, to, y, { label, colour, dy: -12 });
  const body = [
    heads,
    msg(610, 230, 440, 'launch?iss=…&launch=xyz', 'orange'),
    msg(230, 1370, 505, 'GET .well-known/smart-configuration'),
    msg(230, 990, 570, 'authorize · scope · code_challenge (S256)'),
    msg(990, 230, 635, '302 redirect_uri?code=…&state=…', 'orange'),
    msg(230, 990, 700, 'POST token · code · code_verifier'),
    msg(990, 230, 765, 'access_token · scope · patient: "123"', 'orange'),
    msg(230, 1370, 830, 'GET Patient/123  (Authorization: Bearer …)'),
  ].join('');
  return cover('SMART on FHIR', ['The EHR launch, step by step'], body);
}

/** Bulk Data: kick-off, polling, manifest, NDJSON, warehouse. */
function exportPipeline(): string {
  const row1 = 470;
  const row2 = 750;
  const body = [
    node(
      { x: 290, y: row1, w: 360, h: 130 },
      'Kick-off',
      ['GET Group/42/$export', 'Prefer: respond-async'],
      'orange',
    ),
    arrow(470, row1, 610, row1),
    node(
      { x: 800, y: row1, w: 370, h: 130 },
      '202 Accepted',
      ['Content-Location:', '…/bulkstatus/9f3c'],
      'blue',
    ),
    arrow(985, row1, 1125, row1),
    node(
      { x: 1310, y: row1, w: 360, h: 130 },
      'Poll status',
      ['202 · X-Progress', 'Retry-After: 120'],
      'blue',
    ),
    `<path d="M1380,${row1 - 66} C1380,${row1 - 130} 1240,${row1 - 130} 1240,${row1 - 72}" fill="none" stroke="${C.secondary}" stroke-width="3" marker-end="url(#arrow-blue)"/>`,
    text(1310, row1 - 120, 'repeat', {
      size: 21,
      weight: 700,
      fill: C.secondary,
      anchor: 'middle',
      halo: C.surfaceMuted,
    }),
    arrow(1310, row1 + 66, 1310, row2 - 70, { label: '200 OK', dx: 16, dy: 6, labelAnchor: 'start' }),
    node(
      { x: 1310, y: row2, w: 360, h: 130 },
      'Manifest',
      ['transactionTime', 'output[ ] · error[ ]'],
      'blue',
    ),
    arrow(1125, row2, 985, row2),
    node(
      { x: 800, y: row2, w: 370, h: 130 },
      'NDJSON files',
      ['Patient.ndjson', 'Observation.ndjson …'],
      'plain',
    ),
    arrow(610, row2, 470, row2),
    node(
      { x: 290, y: row2, w: 360, h: 130 },
      'Your warehouse',
      ['load · dedupe by id', 'next run: _since'],
      'green',
    ),
  ].join('');
  return cover('Bulk Data', ['$export in practice: kick-off to NDJSON'], body);
}

/** SQL-on-FHIR: a JSON resource, a ViewDefinition, the table it produces. */
function viewDefinitionFlow(): string {
  const json = [
    '{ "resourceType": "Patient",',
    '  "id": "p1",',
    '  "name": [{',
    '    "family": "Nguyen",',
    '    "given": ["An", "Minh"] }],',
    '  "birthDate": "1984-02-11" }',
  ];
  const view = [
    'resource: Patient',
    'select:',
    '  column: id, birth_date',
    '  forEach: name',
    '    column: family',
    'where: active',
  ];
  const mono = (x: number, y: number, lines: string[], fill: string) =>
    lines.map((l, i) => text(x, y + i * 34, l, { size: 21, mono: true, fill })).join('');
  const cols = ['id', 'birth_date', 'family'];
  const rows = [
    ['p1', '1984-02-11', 'Nguyen'],
    ['p2', '1990-07-30', 'Okafor'],
    ['p3', '1975-12-03', 'Silva'],
  ];
  const widths = [110, 200, 170];
  const colX = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  const tableW = widths.reduce((a, b) => a + b, 0);
  const tableX = 1080;
  const tableY = 420;
  const grid = [
    `<rect x="${tableX}" y="${tableY}" width="${tableW}" height="${56 * 4}" rx="10" fill="${C.surface}" stroke="${C.success}" stroke-width="3"/>`,
    `<path d="M${tableX + 1.5},${tableY + 56} V${tableY + 10} Q${tableX + 1.5},${tableY + 1.5} ${tableX + 10},${tableY + 1.5} H${tableX + tableW - 10} Q${tableX + tableW - 1.5},${tableY + 1.5} ${tableX + tableW - 1.5},${tableY + 10} V${tableY + 56} Z" fill="${C.successTint}"/>`,
    ...cols.map((c, i) =>
      text(tableX + 16 + (colX[i] ?? 0), tableY + 37, c, {
        size: 21,
        weight: 700,
        mono: true,
        fill: C.success,
      }),
    ),
    ...rows.flatMap((r, ri) =>
      r.map((v, ci) =>
        text(tableX + 16 + (colX[ci] ?? 0), tableY + 93 + ri * 56, v, { size: 20, mono: true }),
      ),
    ),
    ...[1, 2, 3].map(
      (i) =>
        `<line x1="${tableX}" y1="${tableY + 56 * i}" x2="${tableX + tableW}" y2="${tableY + 56 * i}" stroke="${C.border}" stroke-width="2"/>`,
    ),
  ].join('');
  const body = [
    `<rect x="96" y="380" width="440" height="300" rx="14" fill="${C.surface}" stroke="${C.borderStrong}" stroke-width="3"/>`,
    text(116, 416, 'FHIR resource (JSON)', { size: 22, weight: 700, fill: C.textMuted }),
    mono(116, 460, json, C.text),
    arrow(546, 530, 596, 530),
    `<rect x="606" y="380" width="430" height="300" rx="14" fill="${C.primaryTint}" stroke="${C.primary}" stroke-width="3"/>`,
    text(626, 416, 'ViewDefinition', { size: 22, weight: 700, fill: C.primaryStronger }),
    mono(626, 460, view, C.text),
    arrow(1040, 530, 1074, 530),
    text(1090, 400, 'patient_names (table)', { size: 22, weight: 700, fill: C.success }),
    grid,
    text(800, 780, 'SELECT family, count(*) FROM patient_names GROUP BY family;', {
      size: 26,
      mono: true,
      anchor: 'middle',
      fill: C.secondaryStrong,
    }),
  ].join('');
  return cover('SQL-on-FHIR v2', ['Flattening FHIR with ViewDefinitions'], body);
}

/** Data quality: resources through five kinds of checks to a scorecard. */
function qualityChecks(): string {
  const checks: [string, string, 'green' | 'orange' | 'red'][] = [
    ['Structure and cardinality', 'pass', 'green'],
    ['Profile conformance (US Core)', '312 warnings', 'orange'],
    ['Reference integrity', '41 broken', 'red'],
    ['Terminology bindings', '1,208 unknown codes', 'orange'],
    ['FHIRPath invariants', 'pass', 'green'],
  ];
  const tone = { green: C.success, orange: C.primaryStrong, red: C.danger };
  const rows = checks
    .map(([name, result, t], i) => {
      const y = 372 + i * 96;
      return [
        `<rect x="560" y="${y}" width="560" height="76" rx="12" fill="${C.surface}" stroke="${C.border}" stroke-width="2"/>`,
        `<circle cx="600" cy="${y + 38}" r="14" fill="${tone[t]}"/>`,
        text(630, y + 33, name, { size: 23, weight: 700 }),
        text(630, y + 62, result, { size: 20, fill: tone[t] }),
      ].join('');
    })
    .join('');
  const bars: [string, number][] = [
    ['Completeness', 0.94],
    ['Conformance', 0.88],
    ['Valid references', 0.97],
  ];
  const scorecard = bars
    .map(([label, v], i) => {
      const y = 420 + i * 130;
      return [
        text(1190, y, label, { size: 23, weight: 700 }),
        text(1500, y, `${Math.round(v * 100)} %`, {
          size: 23,
          weight: 700,
          anchor: 'end',
          fill: C.secondaryStrong,
        }),
        `<rect x="1190" y="${y + 20}" width="310" height="26" rx="13" fill="${C.border}"/>`,
        `<rect x="1190" y="${y + 20}" width="${Math.round(310 * v)}" height="26" rx="13" fill="${C.secondary}"/>`,
      ].join('');
    })
    .join('');
  const body = [
    node(
      { x: 280, y: 600, w: 330, h: 200 },
      'Your FHIR data',
      ['NDJSON · Bundles', 'FHIR server API'],
      'orange',
      30,
    ),
    arrow(450, 600, 545, 600),
    rows,
    scorecard,
  ].join('');
  return cover('Data quality', ['Common FHIR defects and how to find them'], body);
}

export const BLOG_COVERS: Record<string, () => string> = {
  'blog/fhir-r4-basics.png': resourceGraph,
  'blog/us-core-explained.png': usCoreLayers,
  'blog/smart-app-launch.png': launchSequence,
  'blog/bulk-data-export.png': exportPipeline,
  'blog/sql-on-fhir.png': viewDefinitionFlow,
  'blog/fhir-data-quality.png': qualityChecks,
};
