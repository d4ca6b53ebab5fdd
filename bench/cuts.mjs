// Where an ingest's CPU goes, stage by stage: polyhook-rs and the JS floor
// are each built whole and with the ingest answered early at the cut points
// in bench/cuts/ (the Worker entry, the object, after the body, all but the
// SQL write), and every build is measured in turns on fresh runtimes with
// webhooks only (`polyhook-bench ingest --list-rps 0`). A stage's cost is the
// difference between the cuts around it, so it includes whatever the
// runtime does for that stage outside JavaScript (the profilers see only the
// isolate's thread). Writes its own RESULTS section.
// Usage: node bench/cuts.mjs [--rounds N] [--seconds N]
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { root } from "../tests/support/worker.mjs";
import { writeSection } from "./section.mjs";
import { median } from "./stats.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const rounds = flag("--rounds", 3);
const seconds = flag("--seconds", 20);
const out = path.join(here, ".cuts");
const patches = readdirSync(path.join(here, "cuts")).filter((f) => f.endsWith(".patch")).sort();
const title = (file) => readFileSync(path.join(here, "cuts", file), "utf8").split("\n")[0];
const run = (cmd, args, env = {}) => execFileSync(cmd, args, { cwd: root, env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

execFileSync("cargo", ["build", "--release", "-q", "-p", "polyhook-bench"], { cwd: root, stdio: "inherit" });
// The last commit that changed the worker: its builds are reused across bench and doc commits.
const rev = run("git", ["log", "-1", "--format=%H", "--", ".", ":(exclude)bench", ":(exclude)*.md"]).trim();
const head = rev.slice(0, 7);

// Every variant: its label, and how the bench reaches it.
const variants = [{ side: "rust", cut: "whole", env: { POLYHOOK_BENCH_BEFORE_DIR: path.join(out, "whole") }, target: "before" }];
run("bash", [path.join(here, "build-commit.sh"), rev, path.join(out, "whole")]);
variants.push({ side: "floor", cut: "whole", env: {}, target: "baseline" });
run("bash", [path.join(here, "repro.sh")]);
variants.push({ side: "repro", cut: "whole", env: {}, target: "repro" });
for (const file of patches) {
  const name = file.replace(/\.patch$/, "");
  const cut = name.replace(/^(floor|repro)-/, "");
  if (name.startsWith("floor-")) {
    const dir = path.join(out, name);
    mkdirSync(dir, { recursive: true });
    const script = path.join(dir, "worker.js");
    writeFileSync(script, readFileSync(path.join(here, "baseline/worker.js")));
    execFileSync("git", ["apply", "--unsafe-paths", `--directory=${path.relative(root, dir)}`, "-p3", path.join(here, "cuts", file)], { cwd: root });
    variants.push({ side: "floor", cut, env: { POLYHOOK_BENCH_BASELINE_SCRIPT: script }, target: "baseline" });
  } else if (name.startsWith("repro-")) {
    run("bash", [path.join(here, "build-repro-cut.sh"), path.join(here, "cuts", file), path.join(out, name)]);
    variants.push({ side: "repro", cut, env: { POLYHOOK_BENCH_BEFORE_DIR: path.join(out, name) }, target: "before" });
  } else {
    run("bash", [path.join(here, "build-commit.sh"), rev, path.join(out, name), path.join(here, "cuts", file)]);
    variants.push({ side: "rust", cut, env: { POLYHOOK_BENCH_BEFORE_DIR: path.join(out, name) }, target: "before", title: title(file) });
  }
}

const cpu = new Map(variants.map((v) => [`${v.side} ${v.cut}`, []]));
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    const json = JSON.parse(run(path.join(root, "target/release/polyhook-bench"), ["ingest", "--target", v.target, "--seconds", String(seconds), "--list-rps", "0"], v.env));
    const ms = json.workerd_cpu_ms_per_request;
    console.error(`round ${r + 1}: ${v.side} ${v.cut}: ${ms.toFixed(3)} ms`);
    cpu.get(`${v.side} ${v.cut}`).push(ms);
  }
}

const fmt = (xs) => (xs?.length ? `${median(xs).toFixed(3)} (${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)})` : "");
const cuts = ["whole", ...patches.filter((f) => !/^(floor|repro)-/.test(f)).map((f) => f.replace(/\.patch$/, "")).reverse()];
const titles = Object.fromEntries(variants.filter((v) => v.title).map((v) => [v.cut, v.title.replace(/^Cut \d: /, "")]));
const lines = [
  `workerd CPU per webhook (ms, median of ${rounds} rounds, lowest–highest), polyhook-rs at \`${head}\`, the JS floor and the workers-rs reproduction (\`bench/repro/\`), each whole and cut short at the points in \`bench/cuts/\`: \`node bench/cuts.mjs --rounds ${rounds} --seconds ${seconds}\`, ${seconds} s of webhooks at 200/s over 10 bins per run and no list reads (\`--list-rps 0\`), the builds taking turns on fresh runtimes. The figure includes the runtime's HTTP handling, which every cut keeps. "Stage" is the cut's figure less the next cut's: what that stage adds.`,
  "",
  "| Answered | polyhook-rs | stage | JS floor | stage | workers-rs repro | stage |",
  "| --- | --- | --- | --- | --- | --- | --- |",
];
for (const [i, cut] of cuts.entries()) {
  // Against the next cut this side has (the floor has no body cut: its body read is one line).
  const stage = (side) => {
    const a = cpu.get(`${side} ${cut}`);
    const b = cuts.slice(i + 1).map((c) => cpu.get(`${side} ${c}`)).find((xs) => xs?.length);
    return a?.length && b ? (median(a) - median(b)).toFixed(3) : "";
  };
  const label = cut === "whole" ? "whole (stored, counted, published)" : `${cut}: ${titles[cut] ?? ""}`;
  const cells = ["rust", "floor", "repro"].map((side) => `${fmt(cpu.get(`${side} ${cut}`))} | ${stage(side)}`);
  lines.push(`| ${label} | ${cells.join(" | ")} |`);
}
writeSection("bench/cuts.mjs", lines);
