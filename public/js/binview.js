// The open bin's header: id, connection indicator, expiry countdown,
// end-of-life banner, ingest URL with curl examples, test and delete buttons.
import { el, byId, show, setMessage } from "./dom.js";
import { formatCountdown } from "./format.js";
import { ingestExamples } from "./curl.js";
import { copyButton, wireCopyButton } from "./clipboard.js";

const section = byId("bin");
const idText = byId("bin-id");
const privateBadge = byId("bin-private");
const conn = byId("conn");
const connText = byId("conn-text");
const connRetry = byId("conn-retry");
const responder = byId("responder");
const countdown = byId("bin-countdown");
const expiresAt = byId("bin-expires-at");
const expiryLabel = byId("bin-expiry-label");
const banner = byId("banner");
const ingestUrl = byId("ingest-url");
const examples = byId("examples");
const fireButton = byId("fire-test");
const deleteButton = byId("delete-bin");
const deleteConfirm = byId("delete-confirm");
const deleteCancel = byId("delete-cancel");
const binError = byId("bin-error");

const CONN_TEXT = {
  idle: "Not connected",
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  lost: "Connection lost, retrying",
  ended: "Stream ended",
};

const BANNERS = {
  deleted: "This bin was deleted. Its requests are erased on the server and the live stream has stopped.",
  expired: "This bin expired and was erased. The live stream has stopped; create a new bin to keep catching webhooks.",
  gone: "This bin no longer exists: it was deleted or has expired.",
  denied: "This bin is private, and this browser has no valid read token for it.",
};

let expiry = null;
let tick = null;

wireCopyButton(byId("ingest-copy"), () => ingestUrl.value);

/** The indicator's text and colour (CSS keys on data-state, which tests read too). */
export function setConnection(state) {
  const known = state in CONN_TEXT ? state : "idle";
  conn.dataset.state = known;
  connText.textContent = CONN_TEXT[known];
  show(connRetry, known === "lost" || known === "reconnecting");
}

/** Which transport the live feed uses (data-transport; the title says it to a reader). */
export function setTransport(transport) {
  conn.dataset.transport = transport;
  conn.title = transport === "websocket" ? "Live over a WebSocket: the bin sleeps between captures" : "Live over Server-Sent Events";
}

/** Whether a responder (`polyhook listen --reply`) answers this bin's senders. */
export function setResponder(listener) {
  const on = Boolean(listener?.connected);
  show(responder, on);
  responder.dataset.connected = String(on);
  const since = on && listener.since ? ` since ${new Date(listener.since).toLocaleTimeString()}` : "";
  responder.textContent = on ? `Your app answers senders (listen --reply)${since}` : "";
}

function renderExamples(url) {
  examples.replaceChildren(...ingestExamples(url).map((ex) => {
    const pre = el("pre", { class: "command", tabindex: 0, dataset: { example: ex.id } }, ex.command);
    return el("div", { class: "example" },
      el("div", { class: "example-head" }, el("span", { text: ex.label }), copyButton(() => ex.command)),
      pre);
  }));
}

function updateCountdown() {
  const left = expiry - Date.now();
  countdown.textContent = left > 0 ? formatCountdown(left) : "any moment now";
}

/** Shows a bin; `record` may lack tokens when opened from a shared link. */
export function showBin(record, ingest) {
  show(section, true);
  idText.textContent = record.id;
  section.dataset.bin = record.id;
  show(privateBadge, Boolean(record.read_token));
  expiryLabel.textContent = "Expires in";
  show(expiresAt, true);
  ingestUrl.value = ingest;
  renderExamples(ingest);
  expiry = record.expires_at ? Date.parse(record.expires_at) : NaN;
  expiresAt.textContent = Number.isNaN(expiry) ? "" : `(${new Date(expiry).toLocaleString()})`;
  clearInterval(tick);
  if (Number.isNaN(expiry)) countdown.textContent = "unknown";
  else {
    updateCountdown();
    tick = setInterval(updateCountdown, 1000);
  }
  setBanner(null);
  setResponder(null);
  setMessage(binError, "");
  resetDelete(Boolean(record.delete_token));
  fireButton.disabled = false;
}

export function hideBin() {
  clearInterval(tick);
  show(section, false);
  delete section.dataset.bin;
}

/** The end-of-life banner; `kind` is deleted / expired / gone / denied, or null to hide. */
export function setBanner(kind, text = BANNERS[kind] ?? "") {
  banner.dataset.kind = kind ?? "";
  banner.textContent = text;
  show(banner, Boolean(kind));
  section.dataset.ended = kind ?? "";
  if (kind && kind !== "denied") {
    clearInterval(tick);
    expiryLabel.textContent = "Bin";
    countdown.textContent = kind === "gone" ? "no longer exists" : kind;
    show(expiresAt, kind === "expired");
    fireButton.disabled = true;
    resetDelete(false);
  }
}

export const setBinError = (text) => setMessage(binError, text);

function resetDelete(enabled) {
  deleteButton.disabled = !enabled;
  deleteButton.title = enabled ? "" : "Only the browser that created this bin has its delete token";
  show(deleteButton, true);
  show(deleteConfirm, false);
  show(deleteCancel, false);
}

/**
 * Delete asks once more inline (no confirm() dialog, which would block
 * the page and the stream). `onDelete` does the API call.
 */
export function wireBinActions({ onFire, onDelete, onReconnect }) {
  fireButton.addEventListener("click", onFire);
  connRetry.addEventListener("click", onReconnect);
  deleteButton.addEventListener("click", () => {
    show(deleteButton, false);
    show(deleteConfirm, true);
    show(deleteCancel, true);
    deleteConfirm.focus();
  });
  deleteCancel.addEventListener("click", () => {
    resetDelete(true);
    deleteButton.focus();
  });
  deleteConfirm.addEventListener("click", async () => {
    deleteConfirm.disabled = true;
    try {
      await onDelete();
    } finally {
      deleteConfirm.disabled = false;
    }
  });
}
