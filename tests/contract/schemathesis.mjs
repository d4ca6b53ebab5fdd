// Runs schemathesis against the built worker, twice: our openapi.yaml with
// every check, and the shared reference contract with the wire checks.
// Exits non-zero if either run reports a failure or a warning (missing
// test data, operations that only ever answered 401, ...). Usage:
//   node tests/contract/schemathesis.mjs PATH_TO_ST
// The reference contract is read from POLYHOOK_REFERENCE_OPENAPI, else from
// ../shared/reference/ where this workplace keeps it; a clone elsewhere has
// neither, and that run is skipped with a line saying how to enable it.
// The worker runs offline (every outgoing fetch answers 503 inside the
// runtime), since the fuzzer invents replay targets.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { root, startWorker } from "../support/worker.mjs";

const st = process.argv[2];
const SEED = "42";
const EXAMPLES = "50";
const STATEFUL_EXAMPLES = "150";
const WIRE_CHECKS = [
  "not_a_server_error",
  "status_code_conformance",
  "response_schema_conformance",
  "content_type_conformance",
  "response_headers_conformance",
].join(",");

/** A real bin with one capture and one replay, so generated calls reach past 404. */
async function seed(url) {
  const bin = await (await fetch(`${url}/v1/bins`, { method: "POST" })).json();
  const capture = await (await fetch(`${url}/v1/bins/${bin.id}/in`, { method: "POST", body: "{}" })).json();
  const order = { target_url: "http://127.0.0.1:9/", max_retries: 0 };
  const replay = await (
    await fetch(`${url}/v1/bins/${bin.id}/requests/${capture.request_id}/replay`, { method: "POST", body: JSON.stringify(order) })
  ).json();
  const second = await fetch(`${url}/v1/bins/${bin.id}/in`, { method: "POST", body: "{}" });
  const page = await (await fetch(`${url}/v1/bins/${bin.id}/requests?limit=1`)).json();
  if (second.status !== 202 || !page.next_cursor) throw new Error("could not seed the bin");
  // A bin of its own for the reference run's DELETE, which carries no links to find one.
  const doomed = await (await fetch(`${url}/v1/bins`, { method: "POST" })).json();
  // And one whose delete token the owner's setting operations get outside the stateful phase.
  const owned = await (await fetch(`${url}/v1/bins`, { method: "POST" })).json();
  // It holds a capture and sequence 1, so the sequence operations reach past 404.
  await fetch(`${url}/v1/bins/${owned.id}/in`, { method: "POST", body: "{}" });
  const sequence = await fetch(`${url}/v1/bins/${owned.id}/sequences`, {
    method: "POST", headers: { "x-delete-token": owned.delete_token }, body: JSON.stringify({ target_url: "http://127.0.0.1:9/", max_retries: 0 }),
  });
  if (sequence.status !== 201) throw new Error(`could not seed a sequence: ${sequence.status}`);
  return { bin: bin.id, rid: capture.request_id, replay: replay.replay_id, cursor: page.next_cursor, doomed, owned };
}

/**
 * The run's config. Known identifiers, a real cursor (a cursor is opaque
 * and only ever one the service issued; a made-up one is a 400, which the
 * unit tests cover), and a replay target that can never be this service
 * (replaying into ourselves is refused with 400 by design). The ingest URLs
 * probe no undeclared methods: ingest captures every method by design,
 * including ones (QUERY, PROPFIND) that OpenAPI 3.1 has no way to list.
 */
function config({ bin, rid, replay, cursor, doomed, owned }, { reference = false, owner = false } = {}) {
  return [
    // Any warning (operations that only answered 401 or 404, ...) fails the run.
    "warnings = { fail-on = true }",
    "",
    "[generation]",
    `max-examples = ${EXAMPLES}`,
    "",
    // The stateful phase walks the links; more scenarios reach every owner's operation.
    "[phases.stateful.generation]",
    `max-examples = ${STATEFUL_EXAMPLES}`,
    "",
    "[parameters]",
    `"path.id" = "${bin}"`,
    `"path.rid" = "${rid}"`,
    `"path.replay_id" = "${replay}"`,
    `"query.cursor" = "${cursor}"`,
    // A wait's start must name a capture of this bin (or a time); a made-up one is a 400, which its own tests cover.
    `"query.after" = "${rid}"`,
    `"body.target_url" = "http://127.0.0.1:9/hook"`,
    "",
    "[[operations]]",
    `include-path-regex = "^/v1/bins/[{]id[}]/in"`,
    "phases.coverage.unexpected-methods = []",
    "",
    // Our own contract's stateful phase reaches the owner's operations
    // through links that carry a new bin's delete token. The reference
    // contract has no links: its DELETE gets a bin of its own and that
    // bin's token, never the seeded bin's.
    ...(owner
      ? [
          ...["setResponseRules", "clearResponseRules", "setVerifiers", "startSequence"].flatMap((id) => [
            "[[operations]]",
            `include-operation-id = "${id}"`,
            `parameters = { "path.id" = "${owned.id}", "header.X-Delete-Token" = "${owned.delete_token}" }`,
            "",
          ]),
          ...["getSequence", "pauseSequence", "resumeSequence", "cancelSequence"].flatMap((id) => [
            "[[operations]]",
            `include-operation-id = "${id}"`,
            `parameters = { "path.id" = "${owned.id}", "path.n" = 1, "header.X-Delete-Token" = "${owned.delete_token}" }`,
            "",
          ]),
        ]
      : []),
    ...(reference
      ? [
          "[[operations]]",
          `include-operation-id = "deleteBin"`,
          `parameters = { "path.id" = "${doomed.id}", "header.X-Delete-Token" = "${doomed.delete_token}" }`,
          "",
        ]
      : []),
  ].join("\n");
}

/** Runs st in `cwd`, where it keeps its cache, so no run replays another's findings. */
function run(args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(st, args, { cwd, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NO_COLOR: "1" } });
    child.on("exit", (code) => resolve(code ?? 1));
    child.on("error", (err) => {
      console.error(`cannot run ${st}: ${err.message}`);
      resolve(1);
    });
  });
}

/**
 * The reference contract's path: POLYHOOK_REFERENCE_OPENAPI (which must
 * exist when set, so CI cannot skip it by mistake), else the workplace's
 * copy beside this checkout, else null.
 */
function referenceContract() {
  const asked = process.env.POLYHOOK_REFERENCE_OPENAPI;
  if (asked) {
    if (!existsSync(asked)) throw new Error(`POLYHOOK_REFERENCE_OPENAPI=${asked} does not exist`);
    return path.resolve(asked);
  }
  const beside = path.join(root, "../shared/reference/polyhook-openapi.yaml");
  return existsSync(beside) ? beside : null;
}

// Fuzzed replays pile up against the offline target; the pending cap has
// its own tests, so it is out of the way here.
const worker = await startWorker({ offline: true, onLine: () => {}, vars: { REPLAY_MAX_PENDING: "100000", WAIT_MAX_SECONDS: "0" } });
const dir = await mkdtemp(path.join(tmpdir(), "polyhook-st-"));
let failed = 0;
try {
  // Each run gets a fresh bin, so the first run's captures and replays do not shape the second's.
  const file = path.join(dir, "schemathesis.toml");
  const write = async (kind) => {
    const text = config(await seed(worker.url), kind);
    await writeFile(file, text);
    return text;
  };
  console.log(await write({ owner: true }));
  // The stream never ends and the socket is a WebSocket upgrade; neither suits a
  // request/response fuzzer. tests/stream.test.mjs and tests/socket.test.mjs drive them with real clients.
  const common = ["--seed", SEED, "--exclude-path", "/v1/bins/{id}/stream", "--url", worker.url];
  // The stateful phase honours no per-operation check settings, and the
  // only DELETE it can make succeed is that ingest DELETE (deleting a bin
  // takes its token), so use_after_free can only misfire here: it is off.
  const ours = ["--checks", "all", "--exclude-checks", "use_after_free", "--exclude-path", "/v1/bins/{id}/ws"];
  // Run 1: the generated cases. The owner's setting operations use a bin of
  // their own and its token; deleting a bin is left to run 2, where each
  // DELETE has a fresh bin.
  console.log("\n== schemathesis: openapi.yaml, all checks: examples, coverage, fuzzing");
  const generated = ["--phases", "examples,coverage,fuzzing", "--exclude-operation-id", "deleteBin"];
  failed += (await run(["--config-file", file, "run", path.join(root, "openapi.yaml"), ...ours, ...generated, ...common], dir)) !== 0;
  // Run 2: chains of calls along the contract's links, which carry each
  // new bin's id and delete token, each capture's id and each replay's id.
  console.log("\n== schemathesis: openapi.yaml, all checks: stateful, along the links");
  await write({});
  failed += (await run(["--config-file", file, "run", path.join(root, "openapi.yaml"), ...ours, "--phases", "stateful", ...common], dir)) !== 0;
  const reference = referenceContract();
  if (reference === null) {
    console.log("\n== schemathesis: the shared reference contract: SKIPPED (not found).");
    console.log("   Set POLYHOOK_REFERENCE_OPENAPI=/path/to/polyhook-openapi.yaml to check the twins' contract too.");
  } else {
    console.log(`\n== schemathesis: the shared reference contract (${reference}), wire checks`);
    await write({ reference: true });
    // Positive data only, and no stateful phase: the reference lists no 400
    // for these routes, and stricter validation is a documented difference
    // (README, "Compatibility with the twins"); it carries no links either.
    const phases = ["--phases", "examples,coverage,fuzzing"];
    const args = ["--config-file", file, "run", reference, "--checks", WIRE_CHECKS, "--mode", "positive", ...phases, ...common];
    failed += (await run(args, dir)) !== 0;
  }
} finally {
  await worker.dispose();
  await rm(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
