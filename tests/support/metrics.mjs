// Reading /metrics in tests: parse the exposition and poll until the
// aggregator (which sources flush to every METRICS_FLUSH_MS, 1 s) catches up.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";

/** Fetches /metrics (with `query`, e.g. `?shard=3`) and returns its text. */
export async function scrape(base, query = "") {
  const res = await fetch(`${base}/metrics${query}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  return res.text();
}

/** The value of series `name{labels}` in `text` (labels as written, e.g. `method="POST"`). */
export function value(text, name, labels = "") {
  const key = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split("\n").find((l) => l.startsWith(key));
  assert.ok(line, `no series ${key.trim()} in /metrics`);
  return Number(line.slice(key.length));
}

/**
 * Scrapes until `ready(text)` holds, and returns that text.
 * @param {(text: string) => boolean} ready
 */
export async function scrapeUntil(base, ready, what = "metrics") {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const text = await scrape(base);
    if (ready(text)) return text;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}:\n${text}`);
    await sleep(100);
  }
}
