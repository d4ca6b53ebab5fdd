// workerd CPU per bin creation, and per first ingest into each new bin,
// read from /proc around N creations in a row (after 20 creations and
// ingests of warm-up). Targets take turns on fresh runtimes, once a round:
// `rust` (build/), `baseline` (the JS floor, whose creation reaches no
// object, so its first ingest creates the object), or a directory holding a
// build from bench/build-commit.sh. `+NAME=value` after a target sets a var.
// Usage: node bench/creations.mjs [--rounds R] [--bins N] TARGET...
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { takeNumber } from "./options.mjs";
import { servedTarget } from "./served.mjs";

const args = process.argv.slice(2);
const rounds = takeNumber(args, "--rounds", 3);
const bins = takeNumber(args, "--bins", 300);
const targets = args.length ? args : ["rust", "baseline"];
const VARS = [
  "RATE_LIMIT_PER_SECOND=1000000", "RATE_LIMIT_BURST=1000000", "CREATE_LIMIT_PER_MINUTE=1000000",
  "CREATE_LIMIT_BURST=1000000", "CREATE_GLOBAL_PER_MINUTE=100000000", "CREATE_PREFIX_PER_MINUTE=1000000",
  "CREATE_PREFIX_BURST=1000000", "LOG_REQUESTS=off",
];
// Linux's USER_HZ: /proc/<pid>/stat counts CPU in hundredths of a second.
const MS_PER_TICK = 10;

/** User plus system CPU of every workerd process, ms. */
function workerdCpuMs() {
  const pids = execFileSync("pgrep", ["-x", "workerd"], { encoding: "utf8" }).trim().split("\n");
  return pids.reduce((sum, pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return sum + (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  }, 0);
}

/** Per creation and per first ingest: workerd CPU and wall time, ms. */
async function measure(target) {
  const { url, stop } = await servedTarget(target, VARS);
  const post = async (p, body, want) => {
    const res = await fetch(url + p, { method: "POST", body, headers: { "cf-connecting-ip": "10.0.0.1" } });
    if (res.status !== want) throw new Error(`${target}: POST ${p} answered ${res.status}`);
    return res.text();
  };
  const create = async () => JSON.parse(await post("/v1/bins", undefined, 201)).id;
  for (let i = 0; i < 20; i += 1) await post(`/v1/bins/${await create()}/in`, "{}", 202);
  // The warm-up's metric flushes land before the window opens.
  await new Promise((r) => setTimeout(r, 1500));
  const timed = async (work) => {
    const [cpu, wall] = [workerdCpuMs(), performance.now()];
    const out = await work();
    return { out, cpu: (workerdCpuMs() - cpu) / bins, wall: (performance.now() - wall) / bins };
  };
  const created = await timed(async () => {
    const ids = [];
    for (let i = 0; i < bins; i += 1) ids.push(await create());
    return ids;
  });
  const first = await timed(async () => {
    for (const id of created.out) await post(`/v1/bins/${id}/in`, "{}", 202);
  });
  await stop();
  return { created, first };
}

console.log(`| round | target | creation CPU ms | creation wall ms | first ingest CPU ms | first ingest wall ms |`);
console.log(`| --- | --- | --- | --- | --- | --- |`);
for (let round = 1; round <= rounds; round += 1) {
  for (const target of targets) {
    const { created, first } = await measure(target);
    const f = (x) => x.toFixed(2);
    console.log(`| ${round} | ${target} | ${f(created.cpu)} | ${f(created.wall)} | ${f(first.cpu)} | ${f(first.wall)} |`);
  }
}
