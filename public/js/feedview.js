// The feed list: one row per capture, newest first, each a real button.
import { el, byId, show } from "./dom.js";
import { formatBytes, formatClock } from "./format.js";
import { badge } from "./badge.js";
import { answered } from "./answered.js";

const list = byId("feed-list");
const count = byId("feed-count");
const empty = byId("feed-empty");
const older = byId("feed-older");
const announce = byId("feed-announce");
const notice = byId("feed-notice");

/** Method names come from senders (X-Forwarded-Method); only known ones get a colour class. */
const KNOWN_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

function rowFor(item, onSelect) {
  const method = KNOWN_METHODS.has(item.method) ? item.method.toLowerCase() : "other";
  const path = item.query ? `${item.path}?${item.query}` : item.path;
  const button = el("button", { type: "button", class: "row", onclick: () => onSelect(item.id) },
    el("span", { class: `method m-${method}`, text: item.method }),
    el("span", { class: "path", text: path }),
    el("span", { class: "when", text: formatClock(item.received_at) }),
    el("span", { class: "size", text: formatBytes(item.body_size) }),
    el("span", { class: "ctype", text: item.content_type ?? "no content type" }),
    el("span", { class: "seq", text: `#${item.seq}` }),
    answerCell(item.response),
    badge(item.verification));
  return el("li", { dataset: { seq: item.seq, id: item.id } }, button);
}

/** The status the sender got, and who gave it (data-source: listener, rule, default, pending). */
function answerCell(response) {
  const a = answered(response);
  const tone = a.status === null ? "pending" : `${String(a.status)[0]}xx`;
  return el("span", { class: `answer a-${tone}`, title: a.title, text: a.text, dataset: { source: a.source } });
}

/** Shows a capture's answer once it is known (a `response` event). */
export function updateAnswer(id, response) {
  const button = [...list.children].find((li) => li.dataset.id === id)?.firstElementChild;
  button?.querySelector(".answer")?.replaceWith(answerCell(response));
}

export function resetFeed() {
  list.replaceChildren();
  setNotice("");
  show(older, false);
  updateCount(0);
}

/** Inserts a row where its seq belongs, so backlog and live events keep the order. */
export function addRow(item, onSelect, { live = false } = {}) {
  const row = rowFor(item, onSelect);
  // Fast paths: live rows go on top, history pages (newest first) at the bottom.
  const first = list.firstElementChild;
  const last = list.lastElementChild;
  let before = null;
  if (first && Number(first.dataset.seq) < item.seq) before = first;
  else if (!last || Number(last.dataset.seq) > item.seq) before = null;
  else before = [...list.children].find((li) => Number(li.dataset.seq) < item.seq) ?? null;
  list.insertBefore(row, before);
  if (live) announce.textContent = `New request: ${item.method} ${item.path}`;
}

export function updateCount(n) {
  count.textContent = n === 0 ? "" : `(${n})`;
  show(empty, n === 0);
}

/** Marks the open capture's row (aria-current), unmarking the others. */
export function markSelected(id) {
  for (const li of list.children) {
    const button = li.firstElementChild;
    if (li.dataset.id === id) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

export function focusRow(id) {
  [...list.children].find((li) => li.dataset.id === id)?.firstElementChild.focus();
}

export function showOlder(visible, onClick, label = "Load older requests") {
  show(older, visible);
  older.textContent = label;
  older.onclick = onClick;
}

/** Replaces a row's badge after a re-check. */
export function updateBadge(id, verification) {
  const button = [...list.children].find((li) => li.dataset.id === id)?.firstElementChild;
  if (!button) return;
  button.querySelector(".sig")?.remove();
  const b = badge(verification);
  if (b) button.append(b);
}

/** A one-line notice above the feed, e.g. about evicted captures. */
export function setNotice(text) {
  notice.textContent = text;
  show(notice, Boolean(text));
}
