// A runtime from bench/serve.mjs in a child process, for the bench's
// Node scripts: resolves once it prints `READY <url>`.
import { spawn } from "node:child_process";
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
