// `npm run dev`: one build, then `wrangler dev`, then a rebuild only when a
// source really changes. wrangler's own custom-build watcher builds twice
// on every start (once for the entry, again when its watcher is ready) and
// reloads the runtime after each, dropping open streams; so dev runs
// wrangler on a copy of wrangler.toml without `[build]` (wrangler then
// watches only the built files) and watches the sources itself.
// Usage (from dev.sh): node scripts/dev.mjs [wrangler dev flags...]
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, watch } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { builtWorkerConfig } from "./wrangler-config.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = ["src", "public", "Cargo.toml", "Cargo.lock", "build.rs"];

/** A digest of every source file's path and bytes: what a build depends on. */
function digest() {
  const hash = createHash("sha256");
  const walk = (p) => {
    const stat = statSync(p, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) return readdirSync(p).sort().forEach((n) => walk(path.join(p, n)));
    hash.update(path.relative(root, p)).update(readFileSync(p));
  };
  SOURCES.forEach((s) => walk(path.join(root, s)));
  return hash.digest("hex");
}

function build() {
  const started = Date.now();
  console.log("[dev] building the worker");
  // The same build as deploys and tests (scripts/build.sh: minified page, names stripped).
  const { status } = spawnSync("bash", [path.join(root, "scripts/build.sh")], { cwd: root, stdio: "inherit" });
  console.log(status === 0 ? `[dev] built in ${((Date.now() - started) / 1000).toFixed(1)} s` : "[dev] build failed");
  return status === 0;
}

/** wrangler.toml without its [build] table (scripts/wrangler-config.mjs). */
const devConfig = () => builtWorkerConfig(path.join(root, "wrangler.toml"), path.join(root, ".wrangler", "dev.wrangler.toml"));

let built = digest();
if (!build()) process.exit(1);
const wrangler = spawn("wrangler", ["dev", "--config", devConfig(), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
wrangler.on("exit", (code) => process.exit(code ?? 1));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => wrangler.kill(signal));

// Rebuild after a quiet 300 ms, and only if the sources' bytes changed
// (editors that save unchanged files, or touch them, trigger nothing).
let timer = null;
let building = false;
const onChange = () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (building) return onChange();
    const now = digest();
    if (now === built) return;
    building = true;
    if (build()) built = now;
    building = false;
  }, 300);
};
for (const source of SOURCES) {
  const target = path.join(root, source);
  if (statSync(target, { throwIfNoEntry: false })) watch(target, { recursive: true }, onChange);
}
