// The "Edit & replay" dialog: the open capture's method, sub-path,
// headers and body to change before replaying it, a JSON check and
// formatter for JSON bodies, the changes against the original, and a
// re-sign toggle when the capture was verified and this browser holds
// the bin's delete token (re-signing uses the secret). The page computes
// the edited bytes itself; the service sends exactly them.
import { byId, show, setMessage } from "./dom.js";
import { changedText, headerOverrides, parseHeaderLines } from "./diff.js";

const dialog = byId("edit-dialog");
const form = byId("edit-form");
const method = byId("edit-method");
const path = byId("edit-path");
const headers = byId("edit-headers");
const body = byId("edit-body");
const jsonState = byId("edit-json-state");
const resignRow = byId("edit-resign-row");
const resign = byId("edit-resign");
const scheme = byId("edit-scheme");
const diff = byId("edit-diff");
const error = byId("edit-error");
const send = byId("edit-send");

/** Headers the replay frames or adds itself: not offered for editing. */
const HIDDEN = new Set(["host", "content-length", "connection", "transfer-encoding", "keep-alive", "upgrade", "te", "trailer", "proxy-connection", "x-polyhook-replay-of", "idempotency-key"]);

let original = null;

const utf8 = (bytes) => {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
};

/** Opens the dialog on `capture` with its raw `bytes`; `owner`: this browser holds the delete token. */
export function openEditor(capture, bytes, owner) {
  const text = utf8(bytes);
  const pairs = Object.entries(capture.headers ?? {}).filter(([n]) => !HIDDEN.has(n) && !n.startsWith("cf-"));
  original = { method: capture.method, pairs, text };
  method.value = capture.method;
  path.value = "";
  headers.value = pairs.map(([n, v]) => `${n}: ${v}`).join("\n");
  body.value = text ?? "";
  body.disabled = text === null;
  body.title = text === null ? "This body is not UTF-8 text; it is replayed as it was" : "";
  const verified = capture.verification?.scheme;
  show(resignRow, Boolean(verified));
  resign.disabled = !owner;
  resign.checked = Boolean(verified) && owner;
  resignRow.title = owner ? "" : "Only the bin's creator (with its delete token) can re-sign";
  scheme.textContent = verified ?? "";
  setMessage(error, "");
  refresh();
  dialog.showModal();
  body.focus();
}

function jsonNote(text) {
  try {
    JSON.parse(text);
    return "valid JSON";
  } catch (err) {
    return original?.text && isJson(original.text) ? `not JSON: ${err.message}` : "";
  }
}

const isJson = (text) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** The replay order's overrides for what the dialog holds now. */
export function overrides() {
  const order = {};
  if (method.value.trim() && method.value.trim().toUpperCase() !== original.method) order.method = method.value.trim().toUpperCase();
  if (path.value.trim()) order.path = path.value.trim();
  const changed = headerOverrides(original.pairs, parseHeaderLines(headers.value));
  if (Object.keys(changed).length) order.headers = changed;
  if (original.text !== null && body.value !== original.text) order.body = body.value;
  if (!resignRow.hidden && resign.checked) order.resign = true;
  return order;
}

function refresh() {
  jsonState.textContent = original.text === null ? "binary body: replayed as it was" : jsonNote(body.value);
  const o = overrides();
  const lines = [];
  if (o.method) lines.push(`method: ${original.method} → ${o.method}`);
  if (o.path) lines.push(`path: + ${o.path}`);
  for (const [name, value] of Object.entries(o.headers ?? {})) lines.push(value === null ? `- ${name}` : `+ ${name}: ${value}`);
  if (o.body !== undefined) lines.push(`body (${new TextEncoder().encode(original.text).length} → ${new TextEncoder().encode(o.body).length} bytes):`, changedText(original.text, o.body));
  if (o.resign) lines.push(`re-signed with the bin's ${scheme.textContent} verifier`);
  diff.textContent = lines.length ? lines.join("\n") : "No changes: the capture is replayed as it came.";
  diff.dataset.changed = String(lines.length > 0);
}

/** `onSend(overrides)` replays; the dialog closes when it is queued. */
export function wireEditor(onOpen, onSend) {
  byId("edit-open").addEventListener("click", onOpen);
  for (const input of [method, path, headers, body, resign]) input.addEventListener("input", refresh);
  byId("edit-format").addEventListener("click", () => {
    try {
      body.value = JSON.stringify(JSON.parse(body.value), null, 2);
      refresh();
    } catch (err) {
      jsonState.textContent = `not JSON: ${err.message}`;
    }
  });
  byId("edit-cancel").addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setMessage(error, "");
    send.disabled = true;
    try {
      await onSend(overrides());
      dialog.close();
    } catch (err) {
      setMessage(error, `Replay refused: ${err.message}`);
    } finally {
      send.disabled = false;
    }
  });
}

export const setEditEnabled = (enabled) => { byId("edit-open").disabled = !enabled; };
