// Browser helpers for the playground tests: headless Chromium (via
// playwright-core) on the page the Worker serves, plus the page-specific
// waits the tests share. Every wait is a poll with a generous timeout.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import http from "node:http";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "playwright-core";
import { before, after } from "node:test";
import { root, startWorker } from "./worker.mjs";

export const SHOTS = path.join(root, "test-results", "screenshots");
export const WAIT = { timeout: 15_000 };

/** We run as root on a closed network: no sandbox, nothing that phones home. */
const LAUNCH = {
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

const run = promisify(execFile);
let browser = null;

/** Starts Chromium and makes the screenshot folder, naming it in the log. */
export async function launchBrowser() {
  await mkdir(SHOTS, { recursive: true });
  console.log(`playground screenshots: ${SHOTS}`);
  browser = await chromium.launch(LAUNCH);
}

export const closeBrowser = () => browser?.close();

/** Replays that retry fast, so replay tests finish quickly. */
const FAST = { REPLAY_BACKOFF_BASE_MS: "50", REPLAY_TIMEOUT_MS: "2000" };

/**
 * Starts the worker and the browser for one test file and stops them after
 * it; the returned object's `worker` is set once the file's tests run.
 */
export function playgroundSuite() {
  const suite = { worker: undefined };
  before(async () => {
    suite.worker = await startWorker({ vars: FAST });
    await launchBrowser();
  });
  after(async () => {
    await closeBrowser();
    await suite.worker?.dispose();
  });
  return suite;
}

/** [first cell, second cell] of each body row of a table. */
export const tableRows = (page, selector) =>
  page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));

/**
 * Runs `fn` on a page in a fresh browser context (own localStorage) at
 * `base`. Page errors, CSP violations and dialogs are recorded; once `fn`
 * has passed, there must have been none (checked after, so a failing
 * assertion inside `fn` is the error reported).
 */
export async function withPage(base, { viewport = { width: 1280, height: 900 }, colorScheme = "light", transport = "websocket" } = {}, fn) {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
  // A browser without WebSocket: the page's live feed takes SSE, as it would there.
  if (transport === "sse") await context.addInitScript(() => { delete window.WebSocket; });
  const page = await context.newPage();
  const problems = [];
  const dialogs = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
  });
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  try {
    const response = await page.goto(`${base}/`);
    assert.equal(response.status(), 200, `GET /: ${await response.text()}`);
    await fn({ page, response, dialogs });
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, [], "no page errors or CSP violations");
  assert.deepEqual(dialogs, [], "no dialog ever opened");
}

export const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

export const connState = (page) => page.getAttribute("#conn", "data-state");

export async function waitLive(page) {
  await page.waitForSelector('#conn[data-state="live"]', WAIT);
}

/** Creates a bin with the page's button; returns its id, ingest URL and stored record. */
export async function createViaPage(page, { isPrivate = false } = {}) {
  if (isPrivate) await page.check("#create-private");
  await page.click("#create-bin");
  await page.waitForSelector("#bin[data-bin]", WAIT);
  await waitLive(page);
  const id = await page.getAttribute("#bin", "data-bin");
  const ingestUrl = await page.inputValue("#ingest-url");
  const record = await page.evaluate((bin) => JSON.parse(localStorage.getItem("polyhook.bins.v1")).find((r) => r.id === bin), id);
  return { id, ingestUrl, record };
}

export const row = (page, seq) => page.locator(`#feed-list li[data-seq="${seq}"]`);
export const waitRow = (page, seq) => row(page, seq).waitFor(WAIT);

/** Every seq the feed shows, in page order (newest first). */
export const feedSeqs = (page) => page.$$eval("#feed-list li", (lis) => lis.map((li) => Number(li.dataset.seq)));

/** Opens a capture by clicking its row and waits for its body to render. */
export async function openDetail(page, seq) {
  await row(page, seq).locator("button").click();
  await page.waitForFunction((s) => {
    const pre = document.getElementById("detail-body");
    const id = document.getElementById("detail").dataset.id ?? "";
    return id.endsWith(`-${s}`) && pre.dataset.kind !== "none";
  }, seq, WAIT);
}

/** Polls a Node-side condition (up to 15 s). */
export async function until(predicate, what) {
  const deadline = Date.now() + WAIT.timeout;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs the page's copy-as-curl command in bash, as a user pasting it would. */
export async function runCurl(page) {
  const command = await page.textContent("#detail-curl");
  assert.match(command, /^(printf .*\|\s+\\\n\s+)?curl /s);
  await run("bash", ["-c", `${command} --silent --show-error --fail`], { timeout: 15_000 });
}

/** The file the download link saves, through a real click and download. */
export async function downloadBytes(page) {
  const [download] = await Promise.all([page.waitForEvent("download", WAIT), page.click("#detail-download")]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

/** Records each stream request the page makes: its URL and any Last-Event-ID header. */
/** Every socket the page opens: its query, as a URLSearchParams. */
export function recordSockets(page) {
  const seen = [];
  page.on("websocket", (ws) => { if (/\/v1\/bins\/[a-z0-9]{12}\/ws\?/.test(ws.url())) seen.push(new URL(ws.url()).searchParams); });
  return seen;
}

export function recordStreamRequests(page) {
  const seen = [];
  page.on("request", async (req) => {
    if (!/\/v1\/bins\/[a-z0-9]{12}\/stream\?/.test(req.url())) return;
    const headers = await req.allHeaders().catch(() => ({}));
    seen.push({ query: new URL(req.url()).searchParams, lastEventId: headers["last-event-id"] ?? null });
  });
  return seen;
}

/** Sends a request with raw (repeatable) headers, which fetch cannot do. */
export function sendRaw(url, { method = "POST", rawHeaders, body = "" }) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, headers: [...rawHeaders, "Host", u.host] }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end(body);
  });
}
