import { barChart, type Screen } from './shell.ts';

const nav = ['Views', 'Queries', 'Dashboards', 'Loads', 'Connections', 'Settings'];
const base = { tool: 'FHIR Analytics', project: 'Population health', nav };

const view = `<h1>View: lab_observations</h1><p class="sub">SQL-on-FHIR v2 ViewDefinition · loads into PostgreSQL schema <span class="mono">fhir_views</span></p>
<div class="grid2"><div class="code">{
  <span class="k">"resourceType"</span>: <span class="s">"ViewDefinition"</span>,
  <span class="k">"name"</span>: <span class="s">"lab_observations"</span>,
  <span class="k">"resource"</span>: <span class="s">"Observation"</span>,
  <span class="k">"where"</span>: [{ <span class="k">"path"</span>:
    <span class="s">"category.coding.where(code = 'laboratory').exists()"</span> }],
  <span class="k">"select"</span>: [{ <span class="k">"column"</span>: [
    { <span class="k">"name"</span>: <span class="s">"id"</span>, <span class="k">"path"</span>: <span class="s">"getResourceKey()"</span> },
    { <span class="k">"name"</span>: <span class="s">"patient_id"</span>,
      <span class="k">"path"</span>: <span class="s">"subject.getReferenceKey(Patient)"</span> },
    { <span class="k">"name"</span>: <span class="s">"loinc"</span>,
      <span class="k">"path"</span>: <span class="s">"code.coding.where(system = 'http://loinc.org').code"</span> },
    { <span class="k">"name"</span>: <span class="s">"value"</span>, <span class="k">"path"</span>: <span class="s">"value.ofType(Quantity).value"</span> },
    { <span class="k">"name"</span>: <span class="s">"unit"</span>, <span class="k">"path"</span>: <span class="s">"value.ofType(Quantity).code"</span> },
    { <span class="k">"name"</span>: <span class="s">"effective"</span>, <span class="k">"path"</span>: <span class="s">"effective.ofType(dateTime)"</span> }
  ]}]
}</div>
<div class="card"><div class="row" style="justify-content:space-between;margin-bottom:8px"><strong>Preview</strong><span class="badge ok">512,305 rows</span></div><table><thead><tr><th>patient_id</th><th>loinc</th><th>value</th><th>unit</th><th>effective</th></tr></thead><tbody>
<tr><td class="mono">pt-48213</td><td class="mono">4548-4</td><td>6.1</td><td>%</td><td>2026-10-14</td></tr>
<tr><td class="mono">pt-48213</td><td class="mono">2345-7</td><td>104</td><td>mg/dL</td><td>2026-10-14</td></tr>
<tr><td class="mono">pt-10877</td><td class="mono">4548-4</td><td>7.4</td><td>%</td><td>2026-10-12</td></tr>
<tr><td class="mono">pt-10877</td><td class="mono">2093-3</td><td>212</td><td>mg/dL</td><td>2026-10-12</td></tr>
<tr><td class="mono">pt-66102</td><td class="mono">718-7</td><td>13.2</td><td>g/dL</td><td>2026-10-11</td></tr>
<tr><td class="mono">pt-66102</td><td class="mono">4548-4</td><td>5.6</td><td>%</td><td>2026-10-11</td></tr>
<tr><td class="mono">pt-90455</td><td class="mono">2160-0</td><td>1.1</td><td>mg/dL</td><td>2026-10-10</td></tr></tbody></table></div></div>`;

const query = `<h1>Query: HbA1c above 6.5% by month</h1><p class="sub">Ran in 0.84 s on fhir_views · shared with Population health</p>
<div class="code" style="margin-bottom:20px"><span class="k">SELECT</span> date_trunc(<span class="s">'month'</span>, effective) <span class="k">AS</span> month,
       count(<span class="k">DISTINCT</span> patient_id) <span class="k">AS</span> patients,
       round(avg(value), 2) <span class="k">AS</span> mean_hba1c
<span class="k">FROM</span> fhir_views.lab_observations
<span class="k">WHERE</span> loinc = <span class="s">'4548-4'</span> <span class="k">AND</span> value &gt; <span class="n">6.5</span>
  <span class="k">AND</span> effective &gt;= <span class="s">'2026-05-01'</span>
<span class="k">GROUP BY</span> 1 <span class="k">ORDER BY</span> 1;</div>
<div class="card"><table><thead><tr><th>month</th><th>patients</th><th>mean_hba1c</th></tr></thead><tbody>
${[
  ['2026-05', '1,482', '7.61'],
  ['2026-06', '1,396', '7.58'],
  ['2026-07', '1,455', '7.64'],
  ['2026-08', '1,510', '7.55'],
  ['2026-09', '1,388', '7.49'],
  ['2026-10', '1,341', '7.42'],
]
  .map(([m, p, v]) => `<tr><td>${m}</td><td>${p}</td><td>${v}</td></tr>`)
  .join('')}
</tbody></table></div>`;

const dashboard = `<h1>Dashboard: Ambulatory care</h1><p class="sub">Updated nightly from the Bulk Data export · 182,400 patients</p>
<div class="grid2"><div class="card"><strong>Encounters per month</strong>${barChart([31200, 29840, 33410, 32050, 34890, 36120], ['May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct'], 640, 300)}</div>
<div class="card"><strong>Top conditions (active)</strong><table style="margin-top:10px"><thead><tr><th>Condition</th><th>SNOMED CT</th><th>Patients</th></tr></thead><tbody>
<tr><td>Essential hypertension</td><td class="mono">59621000</td><td>38,412</td></tr>
<tr><td>Hyperlipidemia</td><td class="mono">55822004</td><td>29,905</td></tr>
<tr><td>Type 2 diabetes mellitus</td><td class="mono">44054006</td><td>17,236</td></tr>
<tr><td>Asthma</td><td class="mono">195967001</td><td>11,048</td></tr>
<tr><td>Major depressive disorder</td><td class="mono">370143000</td><td>9,811</td></tr>
<tr><td>Chronic kidney disease</td><td class="mono">709044004</td><td>6,207</td></tr></tbody></table></div></div>`;

export const analyticsScreens: Screen[] = [
  { ...base, file: 'fhir-analytics-1.png', active: 0, status: 'Loaded 02:14', body: view },
  { ...base, file: 'fhir-analytics-2.png', active: 1, body: query },
  { ...base, file: 'fhir-analytics-3.png', active: 2, body: dashboard },
];
