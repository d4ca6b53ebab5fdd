// DOM building with createElement and textContent only. Nothing a webhook
// sender controls is ever parsed as HTML: strings become Text nodes.

/**
 * el("li", { class: "row", dataset: { seq: 3 }, onclick: fn }, "text", child)
 * `text` sets textContent; other props become attributes (true -> "").
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** The element with this id; the page's skeleton is static, so a miss is a bug. */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return node;
}

/** Shows or hides with the `hidden` attribute (no inline styles under our CSP). */
export function show(node, visible = true) {
  node.hidden = !visible;
}

/** A message in an alert paragraph, or hides it when `text` is empty. */
export function setMessage(node, text) {
  node.textContent = text ?? "";
  node.hidden = !text;
}
