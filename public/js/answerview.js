// The Response panel: shows the bin's response rules (with how often each
// has answered), fills presets, and saves or clears them with the bin's
// delete token. Rules are edited as JSON, exactly what the API takes.
import { byId } from "./dom.js";
import { ownerPanel } from "./ownerpanel.js";
import * as api from "./api.js";

const rules = byId("answer-rules");
const save = byId("answer-save");
const reset = byId("answer-reset");
const state = byId("answer-state");
const error = byId("answer-error");

/** What each preset button puts in the editor. */
export const PRESETS = {
  ok: [{ status: 200, headers: { "Content-Type": "application/json" }, body: '{"ok":true,"id":"{{request_id}}"}' }],
  error: [{ status: 500, headers: { "Content-Type": "application/json" }, body: '{"error":"simulated failure"}' }],
  limited: [{ status: 429, headers: { "Retry-After": "3" }, body: "slow down" }],
  slow: [{ status: 200, delay_ms: 5000, body: "finally" }],
  flaky: [{ status: 500, times: 2, body: "not yet" }, { status: 200, body: "ok" }],
};

let current = null;

/** Shows `shown` (the API's answer) in the editor, without the use counts. */
function render(shown) {
  const plain = shown.rules.map(({ uses, ...rule }) => rule);
  rules.value = JSON.stringify(plain, null, 2);
  const used = shown.rules.map((r, i) => `rule ${i}: ${r.uses} answered`).join(", ");
  state.textContent = shown.rules.length ? `In force. ${used}.` : "No rules: every request gets the default 202.";
}

const panel = ownerPanel({ buttons: [save, reset], state, error, render });

/** Loads the rules of the bin `record`, when the page opens it. */
export function showAnswers(record) {
  current = record;
  return panel.load(record, api.getRules, "Only the bin's creator (with its delete token) can change the rules.");
}

const act = (run) => panel.act(run);

export function wireAnswers() {
  for (const button of byId("answer-presets").querySelectorAll("button[data-preset]")) {
    button.addEventListener("click", () => { rules.value = JSON.stringify(PRESETS[button.dataset.preset], null, 2); });
  }
  save.addEventListener("click", () => act(() => {
    let parsed;
    try {
      parsed = JSON.parse(rules.value || "[]");
    } catch (err) {
      throw new Error(`The rules are not JSON: ${err.message}`);
    }
    return api.putRules(current, parsed);
  }));
  reset.addEventListener("click", () => act(() => api.clearRules(current)));
}
