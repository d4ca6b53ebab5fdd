// Measures what an anonymous client can make a build do, one figure per
// abuse scenario of "Running it in public" (README). Point it at any built
// worker to compare builds:
//   node bench/abuse/figures.mjs [BUILD_DIR]      (default: build/; it must lie inside the repository)
// Prints one JSON line per scenario. Everything runs on 127.0.0.1.
import http from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { root } from "../../tests/support/worker.mjs";

const buildDir = path.resolve(process.argv[2] ?? path.join(root, "build"));
const HIGH = { RATE_LIMIT_PER_SECOND: "1000000", RATE_LIMIT_BURST: "1000000", CREATE_LIMIT_PER_MINUTE: "1000000", CREATE_LIMIT_BURST: "1000000" };

async function worker(vars = {}) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(root, "wrangler.toml"));
  const mf = new Miniflare({
    ...workerOptions, name: "polyhook-rs", modules: true, scriptPath: path.join(buildDir, "index.js"),
    bindings: { ...workerOptions.bindings, ...vars }, host: "127.0.0.1", port: 0, verbose: false,
    handleRuntimeStdio: (out, err) => { out.resume(); err.on("data", (c) => process.env.FIGURES_DEBUG && process.stderr.write(c)); },
  });
  const url = (await mf.ready).origin;
  return { url, dispose: () => mf.dispose() };
}

const post = (url, body, headers = {}) => fetch(url, { method: "POST", body, headers });
const bin = async (url, headers) => (await post(`${url}/v1/bins`, undefined, headers)).json();
const capture = async (url, id, opts = {}) => (await fetch(`${url}/v1/bins/${id}/in${opts.path ?? ""}`, { method: "POST", body: opts.body ?? "x", headers: opts.headers })).json();
const replay = (url, id, rid, order, headers) => post(`${url}/v1/bins/${id}/requests/${rid}/replay`, JSON.stringify(order), headers);

async function target(answer = 200) {
  let hits = 0;
  const server = http.createServer((req, res) => { hits += 1; req.resume(); res.writeHead(answer).end(); });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, hits: () => hits, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

const scenarios = {
  async self_replay_chain() {
    const w = await worker(HIGH);
    const b = await bin(w.url);
    const self = `${w.url}/v1/bins/${b.id}/requests/${b.id}-1/replay`;
    await capture(w.url, b.id, { body: JSON.stringify({ target_url: self, max_retries: 0 }) });
    const first = await replay(w.url, b.id, `${b.id}-1`, { target_url: self, max_retries: 0 });
    await sleep(8000);
    let count = 0;
    for (let cursor = ""; ; ) {
      const list = await (await fetch(`${w.url}/v1/bins/${b.id}/replays?limit=100&cursor=${cursor}`)).json();
      count += list.items?.length ?? 0;
      if (!list.next_cursor) break;
      cursor = list.next_cursor;
    }
    await w.dispose();
    return { first_status: first.status, replays_after_8s: count };
  },
  async amplification() {
    const w = await worker(HIGH);
    const t = await target();
    const b = await bin(w.url);
    await capture(w.url, b.id, { body: "x".repeat(100_000) });
    let accepted = 0;
    for (let i = 0; i < 100; i += 1) accepted += (await replay(w.url, b.id, `${b.id}-1`, { target_url: t.url, max_retries: 5 })).status === 202;
    await sleep(3000);
    const out = { starts_accepted_of_100: accepted, target_hits_after_3s: t.hits() };
    await t.close();
    await w.dispose();
    return out;
  },
  async stalled_backlog() {
    const w = await worker({ ...HIGH, SSE_STALL_SECONDS: "2" });
    const b = await bin(w.url);
    for (let i = 0; i < 30; i += 1) await capture(w.url, b.id, { body: "x".repeat(800_000) });
    // Read nothing for 5 s, then read on: a cut stream ends early.
    const outcome = await new Promise((resolve) => {
      const req = http.get(`${w.url}/v1/bins/${b.id}/stream?last_event_id=0`, (res) => {
        res.pause();
        let text = "";
        res.on("data", (c) => { text += c; });
        const finish = (ended) => resolve({ ended, events: (text.match(/^event: request$/gm) ?? []).length });
        res.on("end", () => finish(true));
        res.on("error", () => finish(true));
        setTimeout(() => res.resume(), 5000);
        setTimeout(() => { finish(false); req.destroy(); }, 25_000);
      });
    });
    await w.dispose();
    return { stream_cut_after_stall: outcome.ended, events_delivered_of_30: outcome.events };
  },
  async ipv6_rotation() {
    const w = await worker({ RATE_LIMIT_PER_SECOND: "1", RATE_LIMIT_BURST: "30", CREATE_LIMIT_PER_MINUTE: "1000000", CREATE_LIMIT_BURST: "1000000" });
    const b = await bin(w.url);
    let accepted = 0;
    for (let i = 1; i <= 60; i += 1) {
      const res = await fetch(`${w.url}/v1/bins/${b.id}/in`, { method: "POST", body: "x", headers: { "cf-connecting-ip": `2001:db8:1:2::${i.toString(16)}` } });
      accepted += res.status === 202;
    }
    await w.dispose();
    return { ingests_accepted_of_60_from_one_64: accepted, burst: 30 };
  },
  async header_heavy_retention() {
    const w = await worker({ ...HIGH, MAX_BODY_BYTES: "1000", MAX_STORED_BYTES_PER_BIN: "40000" });
    const b = await bin(w.url);
    const headers = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`x-pad-${i}`, "h".repeat(1000)]));
    for (let i = 0; i < 20; i += 1) await capture(w.url, b.id, { headers, body: "" });
    const page = await (await fetch(`${w.url}/v1/bins/${b.id}/requests?limit=100`)).json();
    const bytes = page.items.reduce((n, c) => n + Object.entries(c.headers).reduce((m, [k, v]) => m + k.length + v.length, 0), 0);
    await w.dispose();
    return { captures_kept_of_20: page.items.length, header_bytes_kept: bytes, cap_bytes: 40000 };
  },
  async read_token_in_urls() {
    const w = await worker(HIGH);
    const b = await (await post(`${w.url}/v1/bins`, '{"private":true}')).json();
    const ticket = await post(`${w.url}/v1/bins/${b.id}/stream-ticket`, undefined, { "x-authorization": b.read_token });
    await w.dispose();
    return { stream_ticket_status: ticket.status };
  },
  async doomed_replays() {
    const w = await worker({ ...HIGH, REPLAY_BACKOFF_BASE_MS: "20" });
    const b = await bin(w.url);
    await capture(w.url, b.id);
    const res = await replay(w.url, b.id, `${b.id}-1`, { target_url: "http://user:pass@127.0.0.1:9/" });
    let attempts = 0;
    if (res.status === 202) {
      const { replay_id } = await res.json();
      await sleep(3000);
      attempts = (await (await fetch(`${w.url}/v1/replays/${replay_id}`)).json()).attempts;
    }
    await w.dispose();
    return { credentials_order_status: res.status, attempts_made: attempts };
  },
  async encoded_namespaces() {
    const w = await worker(HIGH);
    const b = await bin(w.url);
    for (const p of ["/a%20b", "/caf%C3%A9", "/x%2Fy"]) await capture(w.url, b.id, { path: p });
    const count = async (f) => (await (await fetch(`${w.url}/v1/bins/${b.id}/requests?path=${encodeURIComponent(f)}`)).json()).items.length;
    const out = { "path=/a b": await count("/a b"), "path=/café": await count("/café"), "path=/x": await count("/x") };
    await w.dispose();
    return out;
  },
  async final_event_under_a_cut() {
    const w = await worker({ ...HIGH, SSE_QUEUE_BYTES: "65536" });
    const b = await bin(w.url);
    for (let i = 0; i < 20; i += 1) await capture(w.url, b.id, { body: "y".repeat(800_000) });
    const text = await new Promise((resolve) => {
      http.get(`${w.url}/v1/bins/${b.id}/stream?last_event_id=0`, (res) => {
        res.pause();
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        const done = () => resolve(Buffer.concat(chunks).toString());
        res.on("end", done);
        res.on("error", done);
        setTimeout(async () => {
          await fetch(`${w.url}/v1/bins/${b.id}`, { method: "DELETE", headers: { "x-delete-token": b.delete_token } });
          res.resume();
        }, 300);
      });
    });
    await w.dispose();
    return { final_deleted_event_delivered: /event: deleted\n/.test(text) };
  },
};

// FIGURES=a,b runs only those scenarios.
const only = process.env.FIGURES?.split(",");
for (const [name, run] of Object.entries(scenarios).filter(([n]) => !only || only.includes(n))) {
  try {
    console.log(JSON.stringify({ scenario: name, ...(await run()) }));
  } catch (err) {
    console.log(JSON.stringify({ scenario: name, error: String(err) }));
  }
}
