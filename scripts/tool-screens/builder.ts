import type { Screen } from './shell.ts';

const nav = ['Apps', 'New app', 'Generations', 'Sandboxes', 'Profiles', 'GitHub', 'Settings'];
const base = { tool: 'Build a FHIR App with AI', project: 'med-list-app', nav };

const plan = `<h1>New app</h1><p class="sub">Describe what the app should do; the plan below is what will be generated.</p>
<div class="grid2"><div class="card"><strong>Description</strong><div style="margin-top:10px;padding:14px;border:1px solid var(--color-border-strong);border-radius:8px;min-height:210px;line-height:1.6">A clinician-facing app launched from the EHR that shows the patient’s active medications with dose, prescriber and last fill date, flags duplicates of the same ingredient, and lets the clinician mark a medication as reviewed.</div>
<div class="row" style="margin-top:14px"><span class="btn btn-p">Generate</span><span class="btn btn-s">Refine plan</span></div></div>
<div class="card"><strong>Plan</strong><table style="margin-top:8px"><tbody>
<tr><td class="muted">Launch</td><td>EHR launch, PKCE, <span class="mono">launch/patient</span></td></tr>
<tr><td class="muted">Scopes</td><td class="mono">patient/MedicationRequest.rs patient/Medication.rs patient/Provenance.c openid fhirUser</td></tr>
<tr><td class="muted">Resources</td><td>MedicationRequest (US Core), Medication, Practitioner, Provenance</td></tr>
<tr><td class="muted">Screens</td><td>Patient banner · Medication list · Duplicate warning · Review dialog</td></tr>
<tr><td class="muted">Tests</td><td>14 unit tests, 3 end-to-end against the SMART sandbox</td></tr>
<tr><td class="muted">Repository</td><td class="mono">github.com/regional-health/med-list-app</td></tr></tbody></table></div></div>`;

const files: [string, string][] = [
  ['src/launch.ts', '+64'],
  ['src/fhir/medications.ts', '+118'],
  ['src/fhir/duplicates.ts', '+52'],
  ['src/ui/MedicationList.tsx', '+143'],
  ['src/ui/PatientBanner.tsx', '+47'],
  ['src/ui/ReviewDialog.tsx', '+71'],
  ['test/duplicates.test.ts', '+88'],
  ['e2e/launch.spec.ts', '+39'],
];
const pr = `<h1>Pull request #12: Medication list with duplicate warnings</h1><p class="sub">Opened by FHIR IQ Builder · generation 3 of med-list-app · base <span class="mono">main</span></p>
<div class="grid2"><div class="card"><strong>Files changed (8)</strong><table style="margin-top:8px"><tbody>${files.map(([f, n]) => `<tr><td class="mono">${f}</td><td style="color:var(--color-success);font-weight:700;text-align:right">${n}</td></tr>`).join('')}</tbody></table></div>
<div><div class="card" style="margin-bottom:16px"><strong>Checks</strong><table style="margin-top:8px"><tbody>
<tr><td><span class="badge ok">passed</span></td><td>Type check</td><td class="muted">18 s</td></tr>
<tr><td><span class="badge ok">passed</span></td><td>Unit tests (14)</td><td class="muted">9 s</td></tr>
<tr><td><span class="badge ok">passed</span></td><td>SMART launch against sandbox</td><td class="muted">41 s</td></tr>
<tr><td><span class="badge ok">passed</span></td><td>US Core validation of requests</td><td class="muted">6 s</td></tr></tbody></table></div>
<div class="card"><strong>Summary</strong><p style="margin:8px 0 0;line-height:1.6">Adds the medication list screen. Duplicates are detected by RxNorm ingredient (TTY=IN) across active MedicationRequests. Marking a medication as reviewed writes a Provenance resource.</p></div></div></div>`;

const app = `<h1>Preview: med-list-app</h1><p class="sub">Running against the SMART sandbox · patient Amy V. Shaw</p>
<div class="row"><div style="width:420px;height:800px;border:12px solid #0F172A;border-radius:36px;background:#fff;overflow:hidden">
<div style="background:#1E40AF;color:#fff;padding:18px 20px"><div style="font-weight:800;font-size:19px">Amy V. Shaw</div><div style="font-size:13px;opacity:.9">F · 1987-02-20 · MRN 004821</div></div>
<div style="padding:16px 18px"><div style="font-weight:700;margin-bottom:10px">Active medications (5)</div>
<div style="padding:10px 12px;border-radius:8px;background:#FEF3C7;color:#92400E;font-size:13px;margin-bottom:12px"><strong>Possible duplicate:</strong> two products with metformin</div>
${[
  ['Metformin 500 mg tablet', '1 tab twice daily', 'Dr. Patel', 'Oct 30'],
  ['Metformin ER 750 mg', '1 tab daily', 'Dr. Nguyen', 'Oct 2'],
  ['Lisinopril 10 mg tablet', '1 tab daily', 'Dr. Patel', 'Oct 30'],
  ['Atorvastatin 20 mg', '1 tab at night', 'Dr. Patel', 'Sep 28'],
  ['Albuterol inhaler', '2 puffs as needed', 'Dr. Okoye', 'Aug 15'],
]
  .map(
    ([n, d, p, f]) =>
      `<div style="padding:10px 0;border-bottom:1px solid #E2E8F0"><div style="font-weight:600">${n}</div><div style="font-size:13px;color:#475569">${d} · ${p} · filled ${f}</div></div>`,
  )
  .join('')}
<div style="margin-top:14px" class="btn btn-p">Mark all reviewed</div></div></div>
<div class="card" style="flex:1;align-self:flex-start"><strong>Requests made</strong><table style="margin-top:8px"><tbody>
<tr><td class="mono">GET MedicationRequest?patient=smart-1288992&amp;status=active</td><td><span class="badge ok">200</span></td></tr>
<tr><td class="mono">GET Medication/rx-860975</td><td><span class="badge ok">200</span></td></tr>
<tr><td class="mono">GET Practitioner/npi-1457389201</td><td><span class="badge ok">200</span></td></tr></tbody></table></div></div>`;

export const builderScreens: Screen[] = [
  { ...base, file: 'fhir-app-builder-1.png', active: 1, body: plan },
  { ...base, file: 'fhir-app-builder-2.png', active: 2, status: 'GitHub connected', body: pr },
  { ...base, file: 'fhir-app-builder-3.png', active: 3, status: 'Sandbox: SMART R4', body: app },
];
