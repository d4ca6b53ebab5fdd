// A runtime from bench/serve.mjs in a child process, for the bench's
// Node scripts: resolves once it prints `READY <url>`.
import { spawn } from "node:child_process";
import path from "node:path";
import { root } from "../tests/support/worker.mjs";

/**
 * Starts `node bench/serve.mjs` with `args` (its target, then `NAME=value`
 * vars) and `env`; resolves to its URL and a `stop` that ends it.
 */
export async function served(args, env = process.env) {
  const child = spawn("node", ["bench/serve.mjs", ...args], { cwd: root, env, stdio: ["pipe", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      const m = String(d).match(/READY (\S+)/);
      if (m) resolve(m[1]);
    });
    child.on("exit", () => reject(new Error(`${args[0]} exited before it was ready`)));
  });
  const stop = () => {
    child.stdin.end();
    return new Promise((r) => child.on("exit", r));
  };
  return { url, stop };
}

/**
 * Starts one of the scripts' targets with `vars` (`NAME=value`): `rust`
 * (build/), `baseline` (the JS floor), `structured` (the floor with
 * polyhook's creation path), `repro` (bench/repro/), or a directory holding a build from
 * bench/build-commit.sh; `+NAME=value` after a target sets one var more.
 */
export function servedTarget(target, vars) {
  const [which, extra] = target.split("+");
  const dir = ["rust", "baseline", "structured", "repro"].includes(which) ? null : path.resolve(which);
  const env = dir ? { ...process.env, POLYHOOK_BENCH_BEFORE_DIR: dir } : process.env;
  return served([dir ? "before" : which, ...vars, ...(extra ? [extra] : [])], env);
}
