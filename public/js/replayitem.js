// One replay as a list item: status, target, attempts and their history.
import { el } from "./dom.js";
import { formatClock, formatDuration } from "./format.js";

const STATUS_TEXT = {
  queued: "queued",
  in_progress: "in progress",
  succeeded: "succeeded",
  failed: "failed",
};

function attemptText(a) {
  const outcome = a.status_code != null ? `HTTP ${a.status_code}` : a.error ?? "no answer";
  return `#${a.attempt} at ${formatClock(a.started_at)}: ${outcome} in ${formatDuration(a.duration_ms)}`;
}

function summary(replay) {
  const parts = [`${replay.attempts} attempt${replay.attempts === 1 ? "" : "s"}`];
  if (replay.status === "queued" && replay.next_attempt_at) parts.push(`next at ${formatClock(replay.next_attempt_at)}`);
  if (replay.last_error) parts.push(replay.last_error);
  return parts.join(" · ");
}

/**
 * @param {object} replay a Replay (from the API or a `replay` event)
 * @param {{ onRetry?: (replay) => void }} [actions] a Retry button for failed ones
 */
export function replayItem(replay, { onRetry } = {}) {
  const status = STATUS_TEXT[replay.status] ? replay.status : "unknown";
  const head = el("div", { class: "replay-head" },
    el("span", { class: `badge status-${status}`, text: STATUS_TEXT[status] ?? replay.status }),
    el("code", { class: "replay-id", text: replay.id }),
    el("span", { class: "target", text: `→ ${replay.target_url}` }));
  const item = el("li", { class: "replay", dataset: { replayId: replay.id, status } },
    head,
    el("p", { class: "replay-summary", text: summary(replay) }));
  const history = replay.history ?? [];
  if (history.length > 0) {
    item.append(el("ol", { class: "attempts" }, history.map((a) => el("li", { text: attemptText(a) }))));
  }
  if (onRetry && replay.status === "failed") {
    item.append(el("button", { type: "button", class: "small", onclick: () => onRetry(replay) }, "Retry"));
  }
  return item;
}
