// How a capture's sender was answered, in words: by the owner's app
// through `polyhook listen --reply`, by a response rule, or with the
// default 202. Other backends send no `response` (the default 202).

const WHY = {
  timeout: "your app did not answer in time",
  disconnected: "the listener went away while the sender waited",
  busy: "too many senders were already waiting for your app",
  behind: "the listener was still forwarding earlier requests",
  too_large: "your app's body was too large to pass on",
  invalid: "your app's answer could not be sent",
};

/** `{ source, status, text, title }` for a capture's `response` (may be null). */
export function answered(response) {
  const r = response ?? { status: 202, source: "default", rule: null };
  const source = r.source ?? (r.rule === null || r.rule === undefined ? "default" : "rule");
  if (r.pending) return { source: "pending", status: null, text: "…", title: "The sender is waiting for your app's answer" };
  const by = source === "listener" ? "your app (listen --reply)" : source === "rule" ? `response rule ${r.rule}` : "the default answer";
  const why = r.fallback ? `; ${WHY[r.fallback] ?? r.fallback}` : "";
  const late = r.listener?.late ? `; your app answered ${r.listener.status} later` : "";
  const label = source === "listener" ? "app " : source === "rule" ? "rule " : "";
  return { source, status: r.status, text: `${label}${r.status}`, title: `Answered ${r.status} by ${by}${why}${late}` };
}

/** The detail panel's line for a capture's `response`. */
export function answeredLine(response) {
  const a = answered(response);
  if (a.source === "pending") return a.title;
  const waited = response?.waited_ms ? ` after ${response.waited_ms} ms` : "";
  return `${a.title.replace(/^Answered /, "")}${waited}`;
}
