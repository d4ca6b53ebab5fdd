// "My bins": the create form and the bins this browser remembers, each
// with Open and Delete (or Forget, once the bin has ended).
import { el, byId, show, setMessage } from "./dom.js";
import { formatCountdown } from "./format.js";

const form = byId("create-form");
const privateBox = byId("create-private");
const createButton = byId("create-bin");
const createError = byId("create-error");
const list = byId("bin-list");
const empty = byId("bin-list-empty");

/** @param {(isPrivate: boolean) => Promise<void>} onCreate */
export function wireCreate(onCreate) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setMessage(createError, "");
    createButton.disabled = true;
    try {
      await onCreate(privateBox.checked);
    } catch (err) {
      setMessage(createError, `Could not create a bin: ${err.message}`);
    } finally {
      createButton.disabled = false;
    }
  });
}

function stateText(record, now) {
  if (record.ended) return record.ended;
  const left = Date.parse(record.expires_at) - now;
  return left > 0 ? `expires in ${formatCountdown(left)}` : "expired";
}

/** The second click deletes: a mis-tap on a phone must not erase a bin. */
function deleteButton(record, onDelete) {
  const button = el("button", { type: "button", class: "small danger", text: "Delete" });
  button.setAttribute("aria-label", `Delete bin ${record.id}`);
  button.addEventListener("click", () => {
    if (button.dataset.armed) {
      button.disabled = true;
      onDelete(record);
      return;
    }
    button.dataset.armed = "1";
    button.textContent = "Confirm delete";
  });
  return button;
}

/**
 * @param {object[]} records from the bin store, newest first
 * @param {{ current: string|null, onOpen, onDelete, onForget }} handlers
 */
export function renderBinList(records, { current, onOpen, onDelete, onForget }) {
  const now = Date.now();
  list.replaceChildren(...records.map((record) => {
    const ended = Boolean(record.ended) || Date.parse(record.expires_at) <= now;
    const open = el("button", { type: "button", class: "link", onclick: () => onOpen(record.id) },
      el("code", { text: record.id }),
      record.read_token ? el("span", { class: "badge", text: "private" }) : null);
    if (record.id === current) open.setAttribute("aria-current", "true");
    const action = ended
      ? el("button", { type: "button", class: "small", text: "Forget", onclick: () => onForget(record.id) })
      : deleteButton(record, onDelete);
    const state = el("span", { class: "muted state", text: stateText(record, now) });
    if (!ended) state.dataset.expires = record.expires_at;
    return el("li", { dataset: { bin: record.id, ended: ended ? "1" : "" } }, open, state, action);
  }));
  show(empty, records.length === 0);
}

/** Ticks the countdowns in place; rebuilding the list would steal keyboard focus. */
setInterval(() => {
  const now = Date.now();
  for (const span of list.querySelectorAll("[data-expires]")) {
    span.textContent = stateText({ expires_at: span.dataset.expires }, now);
  }
}, 1000);
