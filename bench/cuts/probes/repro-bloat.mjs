// Probe (not a cut point): writes a patch that gives the workers-rs
// reproduction about 1 MB of code it never runs, to test whether a larger
// module makes every request cost more. 2,500 generated functions, each
// different so that LLVM cannot merge them, are kept by one wasm export
// that nothing calls. Build and run it beside the plain reproduction:
//   node bench/cuts/probes/repro-bloat.mjs /tmp/repro-bloat.patch
//   bash bench/build-repro-cut.sh /tmp/repro-bloat.patch bench/.cuts/repro-bloat
// Usage: node bench/cuts/probes/repro-bloat.mjs OUT.patch
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FUNCTIONS = 2500;
const out = process.argv[2];
if (!out) throw new Error("usage: node bench/cuts/probes/repro-bloat.mjs OUT.patch");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function one(i) {
  return `#[inline(never)]
fn f${i}(s: &str, n: u64) -> String {
    let mut v: Vec<u64> = s.bytes().map(|b| (b as u64).wrapping_mul(${i * 7919 + 13}u64) ^ n).collect();
    v.sort_unstable();
    let t: u64 = v.iter().fold(${i * 31 + 7}u64, |a, x| a.rotate_left(${(i % 61) + 1}) ^ x.wrapping_add(${i * 104729 + 1}));
    format!("{}:${i}:{:x}:{}", s.replace("k${i}", "z${i % 97}"), t, v.len() as u64 * ${i + 3})
}`;
}

const ids = [...Array(FUNCTIONS).keys()];
const bloat = [
  "//! Dead weight: code that is exported (so kept) but never called.",
  "use wasm_bindgen::prelude::*;",
  "",
  ...ids.map(one),
  "#[wasm_bindgen]",
  "pub fn bloat(k: u32, s: &str, n: u64) -> String {",
  "    match k {",
  ...ids.map((i) => `        ${i} => f${i}(s, n),`),
  "        _ => String::new(),",
  "    }",
  "}",
].join("\n");

// Two trees, before and after, diffed by git into the a/bench/repro/... form build-repro-cut.sh applies.
const dir = mkdtempSync(path.join(os.tmpdir(), "repro-bloat-"));
const lib = readFileSync(path.join(root, "bench/repro/src/lib.rs"), "utf8");
for (const side of ["a", "b"]) mkdirSync(path.join(dir, side, "bench/repro/src"), { recursive: true });
writeFileSync(path.join(dir, "a/bench/repro/src/lib.rs"), lib);
writeFileSync(path.join(dir, "b/bench/repro/src/lib.rs"), lib.replace("use worker::*;\n", "use worker::*;\nmod bloat;\n"));
writeFileSync(path.join(dir, "b/bench/repro/src/bloat.rs"), `${bloat}\n`);
let patch = "";
try {
  execFileSync("git", ["diff", "--no-index", "--no-prefix", "a", "b"], { cwd: dir, maxBuffer: 1 << 26 });
} catch (err) {
  // git diff --no-index exits 1 when the trees differ, which they do.
  patch = String(err.stdout);
}
if (!patch) throw new Error("no patch produced");
// --no-prefix names the files a/bench/... and b/bench/..., the form the cut patches use.
writeFileSync(out, `Probe: the reproduction with about 1 MB of code it never runs.\n\n${patch}`);
