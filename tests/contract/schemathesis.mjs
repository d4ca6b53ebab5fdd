// Runs schemathesis against the built worker, twice: our openapi.yaml with
// every check, and the shared reference contract with the wire checks.
// Exits non-zero if either run reports a failure. Usage:
//   node tests/contract/schemathesis.mjs PATH_TO_ST
// The worker runs offline (every outgoing fetch answers 503 inside the
// runtime), since the fuzzer invents replay targets.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { root, startWorker } from "../support/worker.mjs";

const st = process.argv[2];
const SEED = "42";
const EXAMPLES = "50";
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
  return { bin: bin.id, rid: capture.request_id, replay: replay.replay_id, cursor: page.next_cursor };
}

/**
 * The run's config. Known identifiers, a real cursor (a cursor is opaque
 * and only ever one the service issued; a made-up one is a 400, which the
 * unit tests cover), and a replay target that can never be this service
 * (replaying into ourselves is refused with 400 by design). The ingest URLs
 * probe no undeclared methods: ingest captures every method by design,
 * including ones (QUERY, PROPFIND) that OpenAPI 3.1 has no way to list.
 */
function config({ bin, rid, replay, cursor }) {
  return [
    "[parameters]",
    `"path.id" = "${bin}"`,
    `"path.rid" = "${rid}"`,
    `"path.replay_id" = "${replay}"`,
    `"query.cursor" = "${cursor}"`,
    `"body.target_url" = "http://127.0.0.1:9/hook"`,
    "",
    "[[operations]]",
    `include-path-regex = "^/v1/bins/[{]id[}]/in"`,
    "phases.coverage.unexpected-methods = []",
    "",
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

// Fuzzed replays pile up against the offline target; the pending cap has
// its own tests, so it is out of the way here.
const worker = await startWorker({ offline: true, onLine: () => {}, vars: { REPLAY_MAX_PENDING: "100000" } });
const dir = await mkdtemp(path.join(tmpdir(), "polyhook-st-"));
let failed = 0;
try {
  // Each run gets a fresh bin, so the first run's captures and replays do not shape the second's.
  const file = path.join(dir, "schemathesis.toml");
  const write = async () => {
    const text = config(await seed(worker.url));
    await writeFile(file, text);
    return text;
  };
  console.log(await write());
  const common = ["--seed", SEED, "--max-examples", EXAMPLES, "--exclude-path", "/v1/bins/{id}/stream", "--url", worker.url];
  console.log("\n== schemathesis: openapi.yaml, all checks");
  // The stateful phase honours no per-operation check settings, and the
  // only DELETE it can make succeed is that ingest DELETE (deleting a bin
  // takes its token), so use_after_free can only misfire here: it is off.
  const ours = ["--checks", "all", "--exclude-checks", "use_after_free"];
  failed += (await run(["--config-file", file, "run", path.join(root, "openapi.yaml"), ...ours, ...common], dir)) !== 0;
  console.log("\n== schemathesis: the shared reference contract, wire checks");
  await write();
  const reference = path.join(root, "../shared/reference/polyhook-openapi.yaml");
  // Positive data only, and no stateful phase: the reference lists no 400
  // for these routes, and stricter validation is a documented difference
  // (README, "Compatibility with the twins"); it carries no links either.
  const phases = ["--phases", "examples,coverage,fuzzing"];
  failed += (await run(["--config-file", file, "run", reference, "--checks", WIRE_CHECKS, "--mode", "positive", ...phases, ...common], dir)) !== 0;
} finally {
  await worker.dispose();
  await rm(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
