// The open capture's metadata, headers and query as tables.
import { el, byId, show, setMessage } from "./dom.js";
import { formatBytes } from "./format.js";
import { headerRows, queryRows } from "./headers.js";
import { badgeOf } from "./badge.js";
import { answeredLine } from "./answered.js";

const panel = byId("detail");
const idText = byId("detail-id");
const meta = byId("detail-meta");
const headersBody = byId("detail-headers").tBodies[0];
const queryTable = byId("detail-query");
const queryEmpty = byId("detail-query-empty");
const error = byId("detail-error");

const row = (name, value) => el("tr", {}, el("th", { scope: "row", text: name }), el("td", { text: value }));

function metaItems(capture) {
  return [
    ["Method", capture.method],
    ["Path", capture.path ?? "/"],
    ["Received", new Date(capture.received_at).toLocaleString()],
    ["Sequence", `#${capture.seq}`],
    ["Size", `${formatBytes(capture.body_size)} (${capture.body_size} bytes)`],
    ["Content type", capture.content_type ?? "none"],
    ["Client IP", capture.client_ip ?? "unknown"],
    ["Signature", signature(capture.verification)],
    ["Answered", answeredLine(capture.response)],
  ];
}

/** The Signature line: what the check at ingest (or the last re-check) found. */
export function signature(verification) {
  const b = badgeOf(verification);
  if (!b) return "not checked (no verifier set)";
  return verification.valid ? `${b.text}: valid` : `${b.text}: ${verification.reason}`;
}

export function showDetail(visible) {
  show(panel, visible);
}

export function setDetailError(text) {
  setMessage(error, text);
}

/** Fills everything but the body, which needs the raw bytes. */
export function renderDetail(capture) {
  idText.textContent = capture.id;
  panel.dataset.id = capture.id;
  meta.replaceChildren(...metaItems(capture).flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
  headersBody.replaceChildren(...headerRows(capture).map(([k, v]) => row(k, v)));
  const query = queryRows(capture.query ?? "");
  queryTable.tBodies[0].replaceChildren(...query.map(([k, v]) => row(k, v)));
  show(queryTable, query.length > 0);
  show(queryEmpty, query.length === 0);
}

/** Clears the panel while a capture loads, so stale data is never shown under a new id. */
export function clearDetail(id) {
  idText.textContent = id;
  panel.dataset.id = id;
  meta.replaceChildren();
  headersBody.replaceChildren();
  queryTable.tBodies[0].replaceChildren();
  setDetailError("");
}
