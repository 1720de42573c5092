import { lineChart, ring, type Screen } from './shell.ts';

const nav = ['Overview', 'Assessments', 'Findings', 'Rules', 'Trends', 'Sources', 'Settings'];
const base = { tool: 'Data Quality Assessments', project: 'Member data exchange', nav };

const dashboard = `<h1>Assessment of 3 November</h1><p class="sub">FHIR server prod-fhir.example.org · 1,284,310 resources · US Core 6.1.0</p>
<div class="grid4" style="margin-bottom:20px">
<div class="card">${ring(94, 'Completeness', '#15803D')}</div>
<div class="card">${ring(88, 'Conformance', '#F97316')}</div>
<div class="card">${ring(97, 'Consistency', '#15803D')}</div>
<div class="card">${ring(91, 'Timeliness', '#1E40AF')}</div></div>
<div class="grid2"><div class="card"><strong>By resource type</strong><table style="margin-top:10px"><thead><tr><th>Type</th><th>Resources</th><th>Conformance</th></tr></thead><tbody>
<tr><td>Patient</td><td>182,400</td><td><span class="badge ok">97</span></td></tr>
<tr><td>Encounter</td><td>410,992</td><td><span class="badge warn">84</span></td></tr>
<tr><td>Observation</td><td>512,305</td><td><span class="badge warn">86</span></td></tr>
<tr><td>Condition</td><td>96,118</td><td><span class="badge ok">93</span></td></tr>
<tr><td>MedicationRequest</td><td>82,495</td><td><span class="badge ok">95</span></td></tr></tbody></table></div>
<div class="card"><strong>What changed since last week</strong><ul style="margin:12px 0 0;padding-left:18px;line-height:1.9"><li>Conformance <strong style="color:var(--color-success)">+4</strong>: race and ethnicity extensions now populated</li><li>Timeliness <strong style="color:var(--color-danger)">−2</strong>: lab feed delayed on 31 October</li><li>12 new findings, 30 resolved</li><li>Custom rule <span class="mono">member-id-format</span> added</li></ul></div></div>`;

const findings: [string, string, string, string][] = [
  ['err', 'Encounter.subject points to a Patient that does not exist', '18,204', 'ref-integrity'],
  ['err', 'Patient.identifier missing the member ID system', '6,120', 'member-id-format'],
  ['warn', 'Observation.code uses a local code without LOINC', '41,877', 'us-core-lab-code'],
  ['warn', 'Condition.onset[x] missing on active conditions', '9,342', 'us-core-must-support'],
  ['warn', 'Duplicate Patient by name, birth date and ZIP', '1,046', 'dup-patient'],
  ['info', 'Encounter.period.end before period.start', '212', 'period-order'],
  ['info', 'MedicationRequest.authoredOn in the future', '18', 'future-date'],
];
const findingsScreen = `<h1>Findings</h1><p class="sub">Ranked by records affected · 7 open · 30 resolved this week</p>
<div class="card"><table><thead><tr><th>Severity</th><th>Finding</th><th>Records</th><th>Rule</th><th></th></tr></thead><tbody>
${findings.map(([sev, text, n, rule]) => `<tr><td><span class="badge ${sev}">${sev === 'err' ? 'error' : sev === 'warn' ? 'warning' : 'note'}</span></td><td>${text}</td><td>${n}</td><td class="mono">${rule}</td><td><span class="btn btn-s">Details</span></td></tr>`).join('')}
</tbody></table></div>
<div class="card" style="margin-top:20px"><strong>ref-integrity</strong> <span class="muted">· FHIRPath</span><div class="code" style="margin-top:10px">Encounter.subject.resolve().exists()  <span class="c">// 18,204 of 410,992 fail (4.4%)</span></div></div>`;

const trend = `<h1>Trends</h1><p class="sub">Weekly assessments · Conformance score</p>
<div class="card">${lineChart([71, 74, 78, 79, 84, 88, 93, 97], ['Sep 15', 'Sep 22', 'Sep 29', 'Oct 6', 'Oct 13', 'Oct 20', 'Oct 27', 'Nov 3'], 1260, 420)}</div>
<div class="grid3" style="margin-top:20px"><div class="card"><div class="muted">Best dimension</div><div class="kpi">Consistency 97</div></div><div class="card"><div class="muted">Most improved</div><div class="kpi" style="color:var(--color-success)">+26 conformance</div></div><div class="card"><div class="muted">Next run</div><div class="kpi">Mon 02:00</div></div></div>`;

export const qualityScreens: Screen[] = [
  { ...base, file: 'data-quality-assessments-1.png', active: 0, status: 'Last run 3 Nov', body: dashboard },
  { ...base, file: 'data-quality-assessments-2.png', active: 2, body: findingsScreen },
  { ...base, file: 'data-quality-assessments-3.png', active: 4, body: trend },
];
