// Runs the native `polyhook` command (cli/) as a child process with its
// own home directory, and reads its `--json` lines as they come.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root } from "./worker.mjs";

/** The environment without a POLYHOOK_BASE the developer may have set. */
const { POLYHOOK_BASE: _unused, ...baseEnv } = process.env;

/** The binary `npm test` builds (`cargo build -p polyhook-cli`); POLYHOOK_CLI overrides. */
export const cliPath = process.env.POLYHOOK_CLI ?? path.join(root, "target/debug/polyhook");

/** Longest wait for one expected event, ms. */
const WAIT_MS = 60_000;

/** A fresh POLYHOOK_HOME (saved bins and checkpoints). */
export function tempHome() {
  return fs.mkdtempSync(path.join(os.tmpdir(), "polyhook-cli-"));
}

/**
 * Starts `polyhook ...args`. Returns the child, every JSON line of stdout
 * so far (`events`), stderr text, `waitFor(predicate)` over the events,
 * and `exited` (resolves to `{ code, signal }`).
 */
export function startCli(args, { home, env = {} } = {}) {
  assert.ok(fs.existsSync(cliPath), `${cliPath} is missing: run cargo build -p polyhook-cli`);
  const child = spawn(cliPath, args, {
    env: { ...baseEnv, POLYHOOK_HOME: home, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events = [];
  const waiters = [];
  let stdout = "";
  let stderr = "";
  const wake = () => {
    for (const w of [...waiters]) {
      const hit = events.find(w.predicate);
      if (hit) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    stdout += chunk;
    const parts = stdout.split("\n");
    stdout = parts.pop();
    // Text mode (no --json) lines are kept as `{ type: "text", line }`.
    for (const line of parts) if (line.trim()) events.push(line.startsWith("{") ? JSON.parse(line) : { type: "text", line });
    wake();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  exited.then(() => {
    for (const w of waiters.splice(0)) w.reject(new Error(`polyhook exited before: ${w.what}\nstderr: ${stderr}\nevents: ${JSON.stringify(events.slice(-5))}`));
  });
  return {
    child,
    events,
    exited,
    stderr: () => stderr,
    /** Resolves with the first event matching `predicate`. */
    waitFor(predicate, what = "an event") {
      const hit = events.find(predicate);
      if (hit) return Promise.resolve(hit);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`polyhook already exited: ${what}\n${stderr}`));
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve, reject, what };
        waiters.push(waiter);
        // A missing event fails the test instead of hanging the suite.
        const timer = setTimeout(() => {
          if (!waiters.includes(waiter)) return;
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no ${what} within ${WAIT_MS} ms\nstderr: ${stderr}\nevents: ${JSON.stringify(events.slice(-5))}`));
        }, WAIT_MS);
        const settle = (fn) => (v) => (clearTimeout(timer), fn(v));
        waiter.resolve = settle(resolve);
        waiter.reject = settle(reject);
      });
    },
  };
}

/** Runs `polyhook ...args` to completion; returns `{ code, stdout, stderr }`. */
export function runCli(args, { home, env = {} } = {}) {
  assert.ok(fs.existsSync(cliPath), `${cliPath} is missing: run cargo build -p polyhook-cli`);
  return new Promise((resolve) => {
    const child = spawn(cliPath, args, { env: { ...baseEnv, POLYHOOK_HOME: home, NO_COLOR: "1", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
