// Pointing the harness at an NHS-like environment (issue 15): targets on loopback with their own PKI made here (not the
// sandbox's), their own test data, one identity per endpoint, a CONNECT proxy, and the doctor. Every mistake is caught
// before anything is sent, naming the variable to fix.
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { createServer as createHttps } from "node:https";
import { createServer as createNet, connect as netConnect, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../sandbox/server.ts";
import { DEFAULT_DIRECTORY, type Directory } from "../sandbox/directory.ts";
import { doctor } from "../src/cli/doctor.ts";
import { ConfigError, loadConfig } from "../src/config/load-config.ts";
import { makePki, pkcs12, type TestPki } from "./helpers/pki.ts";
import { verdictsOf } from "./helpers/run-cli.ts";
import { runAssureInProcess, verifyEvidenceInProcess } from "./helpers/run-in-process.ts";

const dir = mkdtempSync(join(tmpdir(), "nhs-like-"));
const file = (name: string, text: string | Buffer) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

// The environment's own test data, none of it the sandbox's.
const DATA = {
  ERS_ASID: "200000000901",
  ERS_SMARTCARD_TOKEN: "AQIC5wM2LY4SfczTestMadeHere0123456789abcdefgh=@AAJTSQACMDE=#",
  NRLS_FROM_ASID: "200000000777",
  NRLS_TO_ASID: "928942012545",
  NRLS_CUSTODIAN_ODS: "X26",
  NRLS_AUTHOR_ODS: "Y55",
  NRLS_UNAFFILIATED_ODS: "Z77",
  NRLS_UNKNOWN_ODS: "QQQ11",
  NRLS_PATIENT_NHS_NUMBER: "9434765919",
};

function directory(): Directory {
  const base = JSON.parse(readFileSync(DEFAULT_DIRECTORY, "utf8")) as Directory;
  return {
    spineAsid: DATA.NRLS_TO_ASID,
    ers: { asids: [DATA.ERS_ASID], users: [{ ...base.ers.users[0]!, token: DATA.ERS_SMARTCARD_TOKEN }] },
    nrls: {
      asids: { [DATA.NRLS_FROM_ASID]: { ods: "X26", interactions: ["create", "read", "search", "delete"] }, "200000000778": { ods: "Z77", interactions: ["read", "search"] } },
      organisations: { X26: "Test-made Trust", Y55: "Test-made Partnership", Z77: "Test-made Ambulance Service" },
    },
  };
}

let ersPki: TestPki;
let nrlsPki: TestPki;
let ers: RunningSandbox;
let nrls: RunningSandbox;
/** Per-API identities: e-RS as PEM files, NRLS as a PKCS#12 bundle with a passphrase that holds a #. */
let identities: Record<string, string>;
const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

beforeAll(async () => {
  ersPki = makePki("ers-env");
  nrlsPki = makePki("nrls-env");
  // Each endpoint trusts only its own CA's client certificates, and refuses any other in the handshake.
  const serve = async (pki: TestPki) => {
    const server = pki.issue("localhost", { server: true });
    const s = await startSandbox({ faults: "", variants: "", directory: directory(), pki: { ...server, ca: pki.ca.cert }, refuseUntrustedClients: true, host: "127.0.0.1" });
    closers.push(() => s.close());
    return s;
  };
  [ers, nrls] = await Promise.all([serve(ersPki), serve(nrlsPki)]);
  const ersClient = ersPki.issue("ers client 200000000901");
  const nrlsClient = nrlsPki.issue("nrls client 200000000777");
  identities = {
    ERS_BASE_URL: `https://localhost:${ers.port}/ers-api`,
    NRLS_BASE_URL: `https://localhost:${nrls.port}/nrls`,
    ERS_TLS_CA: file("ers-ca.pem", ersPki.ca.cert),
    ERS_TLS_CLIENT_CERT: file("ers-client.pem", ersClient.cert),
    ERS_TLS_CLIENT_KEY: file("ers-client.key", ersClient.key),
    NRLS_TLS_CA: file("nrls-ca.pem", nrlsPki.ca.cert),
    NRLS_TLS_PFX: file("nrls-client.p12", pkcs12(nrlsClient, nrlsPki.ca, "p12#secret")),
    NRLS_TLS_KEY_PASSPHRASE: "p12#secret",
    ...DATA,
  };
}, 60_000);

/** A CONNECT proxy on loopback that records each tunnel's authority and every byte it carried. */
async function connectProxy() {
  const tunnels: string[] = [];
  const carried: Buffer[] = [];
  const server: Server = createNet((client: Socket) => {
    client.once("data", (head: Buffer) => {
      const m = /^CONNECT ([^ ]+) HTTP\/1\.1/.exec(head.toString("latin1"));
      if (!m) return client.end("HTTP/1.1 405 Method Not Allowed\r\n\r\n");
      tunnels.push(m[1]!);
      const [host, port] = [m[1]!.slice(0, m[1]!.lastIndexOf(":")), Number(m[1]!.slice(m[1]!.lastIndexOf(":") + 1))];
      const upstream = netConnect({ host: host === "localhost" ? "127.0.0.1" : host, port }, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        client.on("data", (d: Buffer) => carried.push(d)).pipe(upstream).pipe(client);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  closers.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tunnels, carried };
}

describe("an NHS-like environment with its own PKI and test data", () => {
  it("refuses to send the sandbox's test data to an external target: exit 2, naming each value and its rules, nothing received", async () => {
    let connections = 0;
    const server = createNet((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    closers.push(() => new Promise((r) => server.close(r)));
    const run = await runAssureInProcess(["--no-report"], { NRLS_BASE_URL: `https://127.0.0.1:${(server.address() as AddressInfo).port}/nrls` });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toMatch(/NRLS_UNAFFILIATED_ODS: an ODS code known to Spine but tied to another ASID, used by NRLS-ERR-06, NRLS-HDR-07\. It is still the embedded sandbox's value/);
    for (const name of ["NRLS_FROM_ASID", "NRLS_TO_ASID", "NRLS_CUSTODIAN_ODS", "NRLS_AUTHOR_ODS", "NRLS_UNKNOWN_ODS", "NRLS_PATIENT_NHS_NUMBER"]) expect(run.stdout).toContain(`${name}: `);
    expect(run.stdout, "e-RS has no target: its test data is not asked for").not.toContain("ERS_ASID:");
    expect(run.stdout).toContain("Nothing was sent.");
    expect(connections).toBe(0);
  });

  it("stops a run whose base URL lacks its path before any case (exit 2, naming the variable, nothing recorded), and doctor says so", async () => {
    // The host is right and the identity accepted; only /nrls is missing: the probe meets the server's 404 page.
    const env = { ...identities, NRLS_BASE_URL: `https://localhost:${nrls.port}` };
    const run = await runAssureInProcess(["--no-report"], env);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toMatch(/configuration error: NRLS_BASE_URL https:\/\/localhost:\d+ does not look like NRLS: GET https:\/\/localhost:\d+\/DocumentReference\?_id=spine-assure-probe was answered 404 with text\/plain/);
    expect(run.stdout).toMatch(/no case was sent \(one harmless probe per API was\), and this run is not recorded/);
    expect(run.summary, "no summary.json").toBeUndefined();
    const lines: string[] = [];
    expect(await doctor({ env, cwd: dir, log: (l) => lines.push(l) }), lines.join("\n")).toBe(2);
    expect(lines.join("\n")).toMatch(/e-RS {2}probe: POST https:\/\/localhost:\d+\/ers-api\/v1\/ProfessionalSession → 403 application\/json {2}\(the API's own answer\)/);
    expect(lines.join("\n")).toMatch(/PROBLEM {2}NRLS_BASE_URL https:\/\/localhost:\d+ does not look like NRLS[\s\S]*A run would stop before its cases \(exit 2\): NRLS_BASE_URL does not lead to the API/);
  }, 60_000);

  it("says to use https:// when a base URL says http:// to a TLS port, before any case (exit 2), in doctor as in a run", async () => {
    // No identity configured (one with http:// is refused before this, as sending it in clear).
    const env = { ...DATA, ERS_BASE_URL: "", NRLS_BASE_URL: `http://localhost:${nrls.port}/nrls` };
    const lines: string[] = [];
    expect(await doctor({ env, cwd: dir, log: (l) => lines.push(l) }), lines.join("\n")).toBe(2);
    expect(lines.join("\n")).toMatch(new RegExp(`NRLS_BASE_URL http://localhost:${nrls.port}/nrls uses http://, but localhost:${nrls.port} speaks TLS: use https://`));
  }, 60_000);

  it("runs with one identity per endpoint (PEM for e-RS, PKCS#12 for NRLS), each endpoint receiving only its own certificate", async () => {
    const run = await runAssureInProcess(["--no-report"], identities);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const verdicts = Object.values(verdictsOf(run.summary));
    expect(verdicts.filter((v) => v === "pass").length).toBeGreaterThan(55);
    expect([...ers.clientCertificates]).toEqual(["ers client 200000000901"]);
    expect([...nrls.clientCertificates]).toEqual(["nrls client 200000000777"]);
    // Every output says which target each API had and what identity it presented.
    expect(run.summary!.targets.map((t) => [t.name, t.embedded, t.clientCertificate?.from])).toEqual([["ers", false, "ERS_TLS_CLIENT_CERT"], ["nrls", false, "NRLS_TLS_PFX"]]);
    expect(run.stdout + run.stderr).not.toContain("p12#secret");
    expect(readFileSync(join(run.outDir, "summary.json"), "utf8")).not.toContain(DATA.ERS_SMARTCARD_TOKEN);
    // The evidence is signed by each endpoint's own identity (the PKCS#12 key too), and chains to that endpoint's CA.
    const dir = join(run.outDir, "runs", readFileSync(join(run.outDir, "latest-run"), "utf8").trim());
    const roots = file("both-roots.pem", ersPki.ca.cert + nrlsPki.ca.cert);
    const v = verifyEvidenceInProcess(dir, roots);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toMatch(/signature manifest\.jws: valid, signed \S+ for ers\n +signer: +[^\n]*CN=ers client 200000000901[^\n]*\n/);
    expect(v.stdout).toMatch(/signature manifest\.nrls\.jws: valid, signed \S+ for nrls\n +signer: +[^\n]*CN=nrls client 200000000777[^\n]*\n/);
    expect(v.stdout).not.toContain("embedded sandbox's test identity");
    expect(v.stdout.match(/trust: +chains to/g)).toHaveLength(2);
    expect(v.stdout).toContain("evidence intact and signed, the signer trusted");
    // Without roots, a valid signature is only a signature: the verdict says the signer was not checked.
    const unchecked = verifyEvidenceInProcess(dir);
    expect(unchecked.stdout).toContain("signer NOT checked: give --ca FILE");
    expect(unchecked.stdout).not.toContain("the signer trusted");
    // Only e-RS's CA trusted: the NRLS signature's chain fails, and the pack is not verified.
    const ersOnly = verifyEvidenceInProcess(dir, file("ers-root.pem", ersPki.ca.cert));
    expect(ersOnly.code).toBe(1);
    expect(ersOnly.stdout).toContain("manifest.nrls.jws: the certificate does not chain to a root in the --ca file");
    expect(run.summary!.inputs?.targets.filter((t) => t.api !== "pds").map((t) => t.kind)).toEqual(["external", "external"]);
    expect(run.summary!.inputs?.sandboxDefaults).toEqual([]);
  }, 120_000);

  it("goes through an HTTPS_PROXY's CONNECT tunnel with mutual TLS end to end, and around it for NO_PROXY hosts", async () => {
    const proxy = await connectProxy();
    const run = await runAssureInProcess(["--no-report", "--suite", "nrls-create", "--requirement", "NRLS-CRT-01"], { ...identities, ERS_BASE_URL: "", HTTPS_PROXY: proxy.url });
    const tunnelled = proxy.tunnels.length;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`localhost:${nrls.port}`]));
    // The proxy carried TLS only: no header or body of ours in the clear.
    expect(Buffer.concat(proxy.carried).toString("latin1")).not.toMatch(/fromASID|DocumentReference/);
    expect(run.summary!.targets[0]).toMatchObject({ name: "nrls", proxy: proxy.url });

    const bypassed = await runAssureInProcess(["--no-report", "--suite", "nrls-create", "--requirement", "NRLS-CRT-01"], { ...identities, ERS_BASE_URL: "", https_proxy: proxy.url, no_proxy: ".example.org, localhost" });
    expect(bypassed.code, bypassed.stdout).toBe(0);
    expect(proxy.tunnels).toHaveLength(tunnelled);
  }, 120_000);

  it("never sends the embedded sandbox's traffic through a proxy", async () => {
    const proxy = await connectProxy();
    const run = await runAssureInProcess(["--no-report", "--suite", "nrls-create", "--requirement", "NRLS-CRT-01"], { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
    expect(run.code, run.stdout).toBe(0);
    expect(proxy.tunnels).toEqual([]);
  }, 60_000);

  it("doctor: reachable, through a proxy, refused, wrong CA, client certificate rejected — each with the variable to fix", async () => {
    const lines: string[] = [];
    const check = async (env: Record<string, string>) => {
      lines.length = 0;
      return doctor({ env, cwd: dir, log: (l) => lines.push(l) });
    };
    expect(await check(identities), lines.join("\n")).toBe(0);
    expect(lines.join("\n")).toMatch(/client {3}"CN=nrls client 200000000777, O=spine-assure test-made PKI".*\(NRLS_TLS_PFX\), accepted/);
    expect(lines.join("\n")).toContain("A run could start");
    expect(lines.join("\n")).not.toContain(DATA.ERS_SMARTCARD_TOKEN);

    const proxy = await connectProxy();
    expect(await check({ ...identities, HTTPS_PROXY: proxy.url })).toBe(0);
    expect(lines.join("\n")).toMatch(/proxy {4}http:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\): CONNECT localhost:\d+ answered "HTTP\/1\.1 200 Connection Established"/);

    const closed = createNet();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await check({ ...identities, NRLS_BASE_URL: `https://127.0.0.1:${port}/nrls` }), lines.join("\n")).toBe(3);
    expect(lines.join("\n")).toMatch(/PROBLEM {2}nothing accepted a connection to 127\.0\.0\.1:\d+[\s\S]*fix: NRLS_BASE_URL/);

    // NRLS's server certificate checked against e-RS's CA.
    // A trust anchor of this machine's that does not sign the server's certificate: a set-up mistake (exit 2).
    expect(await check({ ...identities, NRLS_TLS_CA: identities.ERS_TLS_CA! }), lines.join("\n")).toBe(2);
    expect(lines.join("\n")).toMatch(/NRLS refused this set-up's TLS \(exit 2: a set-up mistake\)/);
    expect(lines.join("\n")).toMatch(/NRLS[\s\S]*PROBLEM {2}the server's certificate "CN=localhost.*issued by "CN=nrls-env test CA.* is not signed by a CA in NRLS_TLS_CA[\s\S]*fix: NRLS_TLS_CA/);

    // e-RS's client certificate presented to NRLS: refused in the handshake.
    const swapped = { ...identities, NRLS_TLS_PFX: "", NRLS_TLS_KEY_PASSPHRASE: "", NRLS_TLS_CLIENT_CERT: identities.ERS_TLS_CLIENT_CERT!, NRLS_TLS_CLIENT_KEY: identities.ERS_TLS_CLIENT_KEY! };
    expect(await check(swapped), lines.join("\n")).toBe(2);
    expect(lines.join("\n")).toMatch(/PROBLEM {2}localhost:\d+ refused the client certificate "CN=ers client 200000000901.*\(NRLS_TLS_CLIENT_CERT\)[\s\S]*fix: NRLS_TLS_CLIENT_CERT/);
  }, 60_000);

  it("follows Location only to the target's own origin or NRLS_LOCATION_HOSTS: another host receives nothing", async () => {
    const other = await new Promise<{ port: number; requests: string[] }>((resolve) => {
      const requests: string[] = [];
      const issued = nrlsPki.issue("localhost", { server: true });
      const s = createHttps({ ...issued }, (req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res.writeHead(404).end();
      });
      closers.push(() => new Promise((r) => s.close(r)));
      s.listen(0, "127.0.0.1", () => resolve({ port: (s.address() as AddressInfo).port, requests }));
    });
    const foreign = await startSandbox({ faults: "", variants: "", directory: directory(), pki: { ...nrlsPki.issue("localhost", { server: true }), ca: nrlsPki.ca.cert }, publicOrigin: `https://127.0.0.1:${other.port}` });
    closers.push(() => foreign.close());
    const env = { ...identities, ERS_BASE_URL: "", NRLS_BASE_URL: `https://localhost:${foreign.port}/nrls` };
    const run = await runAssureInProcess(["--no-report", "--requirement", "NRLS-CRT-08", "--format", "json"], env);
    expect(run.code, run.stdout).toBe(1);
    const crt08 = run.summary!.requirements.find((r) => r.id === "NRLS-CRT-08")!;
    expect(crt08.verdict).toBe("fail");
    expect(crt08.cases.flatMap((c) => c.messages).join("\n")).toMatch(new RegExp(`not requested: https://127\\.0\\.0\\.1:${other.port}/nrls/DocumentReference\\?_id=.* is on 127\\.0\\.0\\.1:${other.port}, not the target's own origin https://localhost:${foreign.port}; list the host in NRLS_LOCATION_HOSTS`));
    expect(other.requests).toEqual([]);

    const allowed = await runAssureInProcess(["--no-report", "--requirement", "NRLS-CRT-08", "--format", "json"], { ...env, NRLS_LOCATION_HOSTS: `127.0.0.1:${other.port}` });
    expect(allowed.code).toBe(1); // the other host answers 404: CRT-08 fails on what it said, not on where it was
    expect(other.requests.length).toBeGreaterThan(0);
    expect(other.requests[0]).toMatch(/^GET \/nrls\/DocumentReference\?_id=/);
  }, 120_000);

  it("reports an HDR-07 refusal for an unknown ODS code as test data unsuitable, naming NRLS_UNAFFILIATED_ODS — not a pass", async () => {
    const env = { ...identities, ERS_BASE_URL: "", NRLS_UNAFFILIATED_ODS: "QQQ22" };
    const run = await runAssureInProcess(["--no-report", "--requirement", "NRLS-HDR-07", "--format", "json"], env);
    expect(run.code, run.stdout).toBe(0); // a SHOULD rule: like a warning, it gates only under --strict
    const hdr07 = run.summary!.requirements.find((r) => r.id === "NRLS-HDR-07")!;
    expect(hdr07.verdict).toBe("unsuitable");
    expect(hdr07.reason).toMatch(/change NRLS_UNAFFILIATED_ODS/);
    expect(hdr07.cases[0]!.messages.join(" ")).toMatch(/test data unsuitable for this rule.*\(QQQ22\) is unknown/);
    expect(run.stdout).toMatch(/DATA\*? +SHOULD NRLS-HDR-07/);
    const strict = await runAssureInProcess(["--no-report", "--strict", "--requirement", "NRLS-HDR-07", "--format", "json"], env);
    expect(strict.code).toBe(2);
    expect(strict.summary!.gate.result).toBe("test-data");
  }, 120_000);

  it("a custodian not affiliated with fromASID leaves every MUST rule it touches unproven (exit 2), never passed or failed", async () => {
    const run = await runAssureInProcess(["--no-report", "--suite", "nrls-create", "--tag", "happy-path"], { ...identities, ERS_BASE_URL: "", NRLS_CUSTODIAN_ODS: "Z77" });
    expect(run.code, run.stdout).toBe(2);
    const v = verdictsOf(run.summary);
    expect(v["NRLS-CRT-01"]).toBe("unsuitable");
    expect(Object.values(v)).not.toContain("fail");
    expect(run.summary!.gate.reason).toMatch(/test data unsuitable .*change NRLS_CUSTODIAN_ODS/);
  }, 60_000);

  // Issue 29: a wrong ASID or token is a set-up mistake. The target's own answer says so (it names the ASID as unknown,
  // calls a header it was sent missing, refuses XAPI_ASID or the token with 403): every rule it touches is unproven,
  // naming the variable, and none is failed.
  const wrongData: [variable: string, value: string, suite: string, rule: string][] = [
    ["NRLS_FROM_ASID", "200000000779", "nrls-create", "NRLS-CRT-01"],
    ["NRLS_TO_ASID", "928942012546", "nrls-create", "NRLS-CRT-01"],
    ["ERS_ASID", "200000000902", "ers-professional-session", "ERS-A001-01"],
    ["ERS_SMARTCARD_TOKEN", "AQIC5wM2LY4SfczNotThisUsersToken0123456789abcd=@AAJTSQACMDE=#", "ers-professional-session", "ERS-A001-01"],
  ];
  for (const [variable, value, suite, rule] of wrongData) {
    it(`${variable} wrong for the target is test data, not a failure of every rule: exit 2 naming it`, async () => {
      const other: Record<string, string> = suite.startsWith("nrls") ? { ERS_BASE_URL: "" } : { NRLS_BASE_URL: "" };
      const run = await runAssureInProcess(["--no-report", "--suite", suite, ...(suite.startsWith("nrls") ? ["--tag", "happy-path"] : [])], { ...identities, ...other, [variable]: value });
      expect(run.code, run.stdout).toBe(2);
      const v = verdictsOf(run.summary);
      expect(v[rule]).toBe("unsuitable");
      expect(Object.entries(v).filter(([, x]) => x === "fail")).toEqual([]);
      expect(run.summary!.gate.reason).toMatch(new RegExp(`test data unsuitable .*change ${variable}$`));
      expect(run.stdout + run.stderr).not.toContain("NotThisUsersToken");
    }, 60_000);
  }
});

describe("certificates are checked before anything is sent", () => {
  const pki = makePki("dates");
  const DAY = 86_400_000;
  const env = (cert: { cert: string; key: string }, name: string) => ({
    ...DATA, NRLS_BASE_URL: "https://nrls.int.example.nhs.uk/nrls",
    NRLS_TLS_CLIENT_CERT: file(`${name}.pem`, cert.cert), NRLS_TLS_CLIENT_KEY: file(`${name}.key`, cert.key),
  });
  const problems = (e: Record<string, string>) => {
    try {
      loadConfig({ env: e, cwd: dir });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems.join("\n");
    }
    return "";
  };

  it("refuses an expired or not-yet-valid client certificate, naming the variable", () => {
    expect(problems(env(pki.issue("old", { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 2 * DAY) }), "expired"))).toMatch(/NRLS_TLS_CLIENT_CERT: the client certificate "CN=old.*" expired on \d{4}-\d\d-\d\d/);
    expect(problems(env(pki.issue("early", { notBefore: new Date(Date.now() + 5 * DAY) }), "early"))).toMatch(/NRLS_TLS_CLIENT_CERT: the client certificate "CN=early.*" is not valid until/);
  });

  it("warns when the client certificate ends within 30 days", () => {
    const c = loadConfig({ env: env(pki.issue("soon", { notAfter: new Date(Date.now() + 10 * DAY) }), "soon"), cwd: dir });
    expect(c.warnings.join("\n")).toMatch(/NRLS_TLS_CLIENT_CERT: the client certificate "CN=soon.*" expires on .*, in 1[01] days/);
  });

  it("refuses a PKCS#12 bundle with the wrong passphrase, and one given with PEM files too", () => {
    const bundle = file("wrong.p12", pkcs12(pki.issue("p12"), pki.ca, "right"));
    expect(problems({ ...DATA, NRLS_BASE_URL: "https://n.example/nrls", NRLS_TLS_PFX: bundle, NRLS_TLS_KEY_PASSPHRASE: "wrong" })).toMatch(/NRLS_TLS_PFX \(.*wrong\.p12\) cannot be opened with NRLS_TLS_KEY_PASSPHRASE: mac verify failure/);
    const both = problems({ ...env(pki.issue("pem"), "both"), NRLS_TLS_PFX: bundle, NRLS_TLS_KEY_PASSPHRASE: "right" });
    expect(both).toMatch(/NRLS_TLS_PFX and NRLS_TLS_CLIENT_CERT\/NRLS_TLS_CLIENT_KEY both give a client identity/);
  });
});
