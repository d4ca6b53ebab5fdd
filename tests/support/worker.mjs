// Starts the built Worker (build/index.js) under Miniflare on a free
// loopback port, configured from wrangler.toml exactly as `wrangler dev`
// would be, with single vars overridable per test.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { installFetchCheck, workerOrigins } from "./contract.mjs";

installFetchCheck();

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Limits high enough that only the tests of each limit meet them (every test client shares one address). */
const UNLIMITED = {
  RATE_LIMIT_PER_SECOND: "1000000",
  RATE_LIMIT_BURST: "1000000",
  CREATE_LIMIT_PER_MINUTE: "1000000",
  CREATE_LIMIT_BURST: "1000000",
  CREATE_GLOBAL_PER_MINUTE: "100000000",
  CREATE_PREFIX_PER_MINUTE: "1000000",
  CREATE_PREFIX_BURST: "1000000",
  REPLAY_LIMIT_PER_MINUTE: "1000000",
  REPLAY_LIMIT_BURST: "1000000",
  SSE_MAX_PER_CLIENT: "100000",
  SEARCH_LIMIT_PER_MINUTE: "1000000",
  SEARCH_LIMIT_BURST: "1000000",
};

/**
 * @param {{ vars?: Record<string, string>, persistTo?: string, onLine?: (line: string) => void, port?: number, offline?: boolean }} [options]
 *   `onLine` receives each line the runtime writes to stdout (console.log);
 *   `port` (default 0: a free one) lets a test start a new runtime on the
 *   port an earlier one used, e.g. to restore a stream a page still points at;
 *   `offline` answers every outgoing fetch (replays) with 503 inside the
 *   runtime, for fuzzers that invent target URLs: nothing leaves the machine;
 *   `onErrorLine` (with `onLine`) receives each line written to stderr (console.error);
 *   `from` is a directory with a wrangler.toml and its build/ (default: this
 *   checkout), e.g. an older build the bench compares against;
 *   `inspectorPort` opens V8's inspector there (bench/profile.mjs)
 */
export async function startWorker({ vars = {}, persistTo, onLine, onErrorLine, port = 0, offline = false, from = root, inspectorPort } = {}) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(from, "wrangler.toml"));
  const options = {
    ...workerOptions,
    name: "polyhook-rs",
    modules: true,
    scriptPath: path.join(from, "build/index.js"),
    bindings: { ...workerOptions.bindings, ...UNLIMITED, ...vars },
    host: "127.0.0.1",
    port,
    durableObjectsPersist: persistTo ?? false,
    verbose: false,
    ...(inspectorPort && { inspectorPort }),
    ...(offline && { outboundService: () => new Response("outbound fetches are off in this run", { status: 503 }) }),
    // Every runtime line is read, so an uncaught exception fails the test that caused it.
    handleRuntimeStdio(stdout, stderr) {
      lines(stdout, (line) => { watch(line); onLine ? onLine(line) : console.log(line); });
      lines(stderr, (line) => { watch(line); onErrorLine ? onErrorLine(line) : onLine ? undefined : console.error(line); });
    },
  };
  /** Lines where the runtime reports an exception nobody handled. */
  const uncaught = [];
  const watch = (line) => { if (UNCAUGHT.test(line)) uncaught.push(line); };
  const mf = new Miniflare(options);
  const ready = await mf.ready;
  const url = ready.origin;
  workerOrigins.add(url);
  /**
   * Kills the runtime process and starts a new one with the same options
   * on the same port (Miniflare keeps a port-0 socket's port across
   * setOptions). Open connections, such as SSE streams, are cut.
   */
  const restart = async () => {
    await mf.setOptions(options);
    await mf.ready;
  };
  /** Stops the runtime; throws if it reported an uncaught exception meanwhile. */
  const dispose = async () => {
    await mf.dispose();
    uncaughtTotal += uncaught.length;
    if (uncaught.length > 0) throw new Error(`the runtime reported ${uncaught.length} uncaught exception(s):\n${uncaught.join("\n")}`);
  };
  return { url, mf, restart, dispose, uncaught };
}

/** What workerd prints for an exception no code handled (a 500, or a stream that died). */
export const UNCAUGHT = /Uncaught (exception|\(in )/;
let uncaughtTotal = 0;
/** Uncaught exceptions seen by every runtime this process started. */
export const uncaughtSeen = () => uncaughtTotal;

/** Calls `fn` with each complete line of `stream`. */
function lines(stream, fn) {
  let pending = "";
  stream.on("data", (chunk) => {
    pending += chunk;
    const parts = pending.split("\n");
    pending = parts.pop();
    parts.forEach(fn);
  });
}

/**
 * Runs `fn` against a worker started with `options`, disposing it afterwards.
 * @template T
 * @param {{ vars?: Record<string, string>, persistTo?: string }} options
 * @param {(worker: { url: string, mf: Miniflare }) => Promise<T>} fn
 */
export async function withWorker(options, fn) {
  const worker = await startWorker(options);
  try {
    return await fn(worker);
  } finally {
    await worker.dispose();
  }
}
