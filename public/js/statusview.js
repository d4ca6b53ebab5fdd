// The status view: GET /metrics every 5 s while the view is shown, as cards.
import { el, byId, show } from "./dom.js";
import { parseMetrics, metricTotal, metricBy } from "./metrics.js";
import { formatNumber } from "./format.js";
import { getMetrics } from "./api.js";

const view = byId("view-status");
const state = byId("status-state");
const grid = byId("status-grid");

const POLL_MS = 5000;

/** Single numbers: [metric name, label]. */
const TOTALS = [
  ["polyhook_sse_clients", "Live SSE subscribers"],
  ["polyhook_ws_clients", "Live WebSocket subscribers"],
  ["polyhook_bins_live", "Bins live"],
  ["polyhook_ingest_total", "Ingest requests"],
  ["polyhook_bins_created_total", "Bins created"],
  ["polyhook_bins_deleted_total", "Bins deleted"],
  ["polyhook_bins_expired_total", "Bins expired"],
  ["polyhook_replay_attempts_total", "Replay attempts"],
];

/** Breakdowns: [metric name, label name, title]. */
const BREAKDOWNS = [
  ["polyhook_captures_total", "method", "Captures by method"],
  ["polyhook_replays_total", "outcome", "Replays by outcome"],
  ["polyhook_rate_limited_total", "route", "Rate-limited, by route"],
];

let timer = null;

function totalCard(samples, name, title) {
  const value = metricTotal(samples, name);
  return el("div", { class: "card", dataset: { metric: name } },
    el("div", { class: "card-title", text: title }),
    el("div", { class: "value", dataset: { value: value ?? "" }, text: value === null ? "—" : formatNumber(value) }));
}

function breakdownCard(samples, name, label, title) {
  const rows = metricBy(samples, name, label);
  const body = rows.length === 0
    ? el("p", { class: "muted", text: "none yet" })
    : el("dl", { class: "breakdown" }, rows.flatMap(({ key, value }) => [
      el("dt", { text: key || "(none)" }),
      el("dd", { class: "value", dataset: { key, value }, text: formatNumber(value) }),
    ]));
  return el("div", { class: "card wide", dataset: { metric: name } },
    el("div", { class: "card-title", text: title }), body);
}

function render(samples) {
  grid.replaceChildren(
    ...TOTALS.map(([name, title]) => totalCard(samples, name, title)),
    ...BREAKDOWNS.map(([name, label, title]) => breakdownCard(samples, name, label, title)));
}

async function poll() {
  const res = await getMetrics();
  if (view.hidden) return; // left the view while the request was in flight
  if (!res.ok) {
    state.dataset.state = "unavailable";
    state.textContent = `Metrics unavailable${res.status ? ` (HTTP ${res.status})` : " (no answer)"}. Retrying every 5 s.`;
    grid.replaceChildren();
    return;
  }
  render(parseMetrics(res.text));
  state.dataset.state = "ok";
  state.textContent = `Updated ${new Date().toLocaleTimeString()}.`;
}

/** Starts or stops polling; only the visible view costs requests. */
export function showStatus(visible) {
  show(view, visible);
  clearInterval(timer);
  timer = null;
  if (!visible) return;
  poll();
  timer = setInterval(poll, POLL_MS);
}
