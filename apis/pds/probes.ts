// A probe for each PDS fault and variant: the same request against a clean sandbox and one with the switch on gives
// the documented answer and then the other one (test/sandbox-faults.test.ts runs them).
import type { SwitchProbe } from "../../src/api-module.ts";

const headers = { "X-Request-ID": "6f0b4c56-6a7e-4a55-8a3f-2d6f0c6e9d11", Accept: "application/fhir+json" };
const code = (body: Record<string, unknown>) => ((body.issue as { details?: { coding?: { code?: string }[] } }[] | undefined)?.[0]?.details?.coding?.[0]?.code);

export const PDS_PROBES: Readonly<Record<string, SwitchProbe>> = {
  "pds-patient-as-bundle": { probe: async (base, call) => (await call(`${base}/Patient/9000000009`, { headers })).json().resourceType, before: "Patient", after: "Bundle" },
  "pds-not-found-200": { probe: async (base, call) => (await call(`${base}/Patient/9111231130`, { headers })).status, before: 404, after: 200 },
  "pds-no-nhs-number-check": {
    probe: async (base, call) => { const r = await call(`${base}/Patient/9000000000`, { headers }); return `${r.status} ${code(r.json())}`; },
    before: "400 INVALID_RESOURCE_ID", after: "404 RESOURCE_NOT_FOUND",
  },
  "pds-superseded-patient": { probe: async (base, call) => (await call(`${base}/Patient/9000000009`, { headers })).json().id, before: "9000000009", after: "9000000025" },
};
