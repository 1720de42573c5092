import type { Screen } from './shell.ts';

const nav = ['Projects', 'Sources', 'Mappings', 'Validation', 'Runs', 'Concept maps', 'Settings'];
const base = { tool: 'Mapper to FHIR', project: 'Regional lab results', nav };

const columns: [string, string, string, string, number][] = [
  ['patient_mrn', 'MRN-0048213', 'Observation.subject', 'Reference(Patient) via identifier', 98],
  ['loinc_code', '4548-4', 'Observation.code.coding[0].code', 'system http://loinc.org', 99],
  ['test_name', 'Hemoglobin A1c', 'Observation.code.coding[0].display', 'string', 97],
  ['result_value', '6.1', 'Observation.valueQuantity.value', 'decimal', 96],
  ['result_unit', '%', 'Observation.valueQuantity.unit', 'UCUM code %', 93],
  ['collected_at', '2026-10-14 08:32', 'Observation.effectiveDateTime', 'dateTime, America/Chicago', 91],
  ['status_flag', 'F', 'Observation.status', 'concept map: F → final', 88],
  ['ordering_npi', '1457389201', 'Observation.performer', 'Reference(Practitioner) via NPI', 84],
];

const editor = `<h1>Mapping: lab_results.csv → Observation</h1><p class="sub">Version 7 · draft · profile US Core Laboratory Result Observation</p>
<div class="row" style="margin-bottom:18px"><span class="btn btn-p">Accept all above 90%</span><span class="btn btn-s">Validate sample</span><span class="btn btn-s">Compare with v6</span></div>
<div class="card"><table><thead><tr><th>Source column</th><th>Sample</th><th></th><th>FHIR path</th><th>Type / rule</th><th>Confidence</th></tr></thead><tbody>
${columns
  .map(
    ([col, sample, fhir, rule, conf]) =>
      `<tr><td class="mono">${col}</td><td>${sample}</td><td style="color:#F97316;font-weight:700">→</td><td class="mono">${fhir}</td><td class="muted">${rule}</td><td><span class="badge ${conf >= 90 ? 'ok' : 'warn'}">${conf}%</span></td></tr>`,
  )
  .join('')}
</tbody></table></div>
<div class="card" style="margin-top:20px"><strong>Why Observation.performer?</strong> <span class="muted">The column holds 10-digit numbers that pass the NPI check digit, in 99.7% of 2,000 sampled rows. Review: NPIs of ordering providers are usually Observation.basedOn → ServiceRequest.requester.</span></div>`;

const validation = `<h1>Validation</h1><p class="sub">Sample of 500 records · mapping v7 · US Core 6.1.0</p>
<div class="grid2"><div class="code"><span class="c">// Observation/lab-48213-4548-4 (record 212)</span>
{
  <span class="k">"resourceType"</span>: <span class="s">"Observation"</span>,
  <span class="k">"status"</span>: <span class="s">"final"</span>,
  <span class="k">"category"</span>: [{ <span class="k">"coding"</span>: [{
    <span class="k">"system"</span>: <span class="s">"http://terminology.hl7.org/CodeSystem/observation-category"</span>,
    <span class="k">"code"</span>: <span class="s">"laboratory"</span> }] }],
  <span class="k">"code"</span>: { <span class="k">"coding"</span>: [{
    <span class="k">"system"</span>: <span class="s">"http://loinc.org"</span>,
    <span class="k">"code"</span>: <span class="s">"4548-4"</span>,
    <span class="k">"display"</span>: <span class="s">"Hemoglobin A1c/Hemoglobin.total in Blood"</span> }] },
  <span class="k">"subject"</span>: { <span class="k">"reference"</span>: <span class="s">"Patient/mrn-0048213"</span> },
  <span class="k">"effectiveDateTime"</span>: <span class="hl"><span class="s">"2026-10-14 08:32"</span></span>,
  <span class="k">"valueQuantity"</span>: {
    <span class="k">"value"</span>: <span class="n">6.1</span>,
    <span class="k">"unit"</span>: <span class="s">"%"</span>,
    <span class="k">"system"</span>: <span class="s">"http://unitsofmeasure.org"</span>,
    <span class="k">"code"</span>: <span class="hl"><span class="s">"percent"</span></span> }
}</div>
<div><div class="card" style="margin-bottom:16px"><div class="row" style="justify-content:space-between"><strong>3 issues in this record</strong><span class="badge err">2 errors</span></div></div>
<div class="card" style="margin-bottom:14px"><span class="badge err">error</span> <strong>Invalid dateTime</strong><p class="mono muted" style="margin:8px 0">Observation.effectiveDateTime</p><p style="margin:0">“2026-10-14 08:32” is not an ISO 8601 dateTime. Map with the source time zone: <span class="mono">2026-10-14T08:32:00-05:00</span>.</p></div>
<div class="card" style="margin-bottom:14px"><span class="badge err">error</span> <strong>Unknown UCUM code</strong><p class="mono muted" style="margin:8px 0">Observation.valueQuantity.code</p><p style="margin:0">“percent” is not a UCUM unit; use “%”. Rule: us-core-lab ucum binding (required).</p></div>
<div class="card"><span class="badge warn">warning</span> <strong>Must-support element missing</strong><p class="mono muted" style="margin:8px 0">Observation.referenceRange</p><p style="margin:0">Present in 0 of 500 sample records.</p></div></div></div>`;

const run = `<h1>Run 2026-11-03 02:00</h1><p class="sub">Mapping v7 · lab_results_2026-11-02.csv · finished in 4 min 12 s</p>
<div class="grid3" style="margin-bottom:20px"><div class="card"><div class="muted">Records read</div><div class="kpi">12,480</div></div><div class="card"><div class="muted">Resources created</div><div class="kpi" style="color:var(--color-success)">12,402</div><div class="muted" style="font-size:13px">all valid against US Core</div></div><div class="card"><div class="muted">Set aside</div><div class="kpi" style="color:var(--color-primary-strong)">78</div><div class="muted" style="font-size:13px">kept with their reason</div></div></div>
<div class="card"><table><thead><tr><th>Reason</th><th>Records</th><th>Example</th><th>Action</th></tr></thead><tbody>
<tr><td>Unknown local code</td><td>41</td><td class="mono">HBA1C-POC</td><td><span class="btn btn-s">Add to concept map</span></td></tr>
<tr><td>Patient not found by MRN</td><td>22</td><td class="mono">MRN-0091177</td><td><span class="btn btn-s">Review</span></td></tr>
<tr><td>Value out of range</td><td>9</td><td class="mono">result_value = 610</td><td><span class="btn btn-s">Review</span></td></tr>
<tr><td>Missing collection time</td><td>6</td><td class="mono">collected_at empty</td><td><span class="btn btn-s">Review</span></td></tr>
</tbody></table></div>`;

export const mapperScreens: Screen[] = [
  { ...base, file: 'mapper-to-fhir-1.png', active: 2, status: 'Saved 2 min ago', body: editor },
  { ...base, file: 'mapper-to-fhir-2.png', active: 3, status: 'Validating…', body: validation },
  { ...base, file: 'mapper-to-fhir-3.png', active: 4, status: 'Last run: success', body: run },
];
