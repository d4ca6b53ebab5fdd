// "Replay as a sequence": the filtered feed's captures replayed in order
// to the replay form's target, at a speed, with progress and pause,
// resume and cancel. Only the bin's creator holds the delete token it takes.
import { byId, show, setMessage } from "./dom.js";

const form = byId("sequence-form");
const speed = byId("sequence-speed");
const onFailure = byId("sequence-on-failure");
const start = byId("sequence-start");
const state = byId("sequence-state");
const controls = byId("sequence-controls");
const pause = byId("sequence-pause");
const resume = byId("sequence-resume");
const cancel = byId("sequence-cancel");
const error = byId("sequence-error");

/** Shows `s` (the API's sequence), or clears the progress. */
export function showSequence(s) {
  show(controls, Boolean(s));
  state.dataset.status = s?.status ?? "";
  if (!s) {
    state.textContent = "";
    return;
  }
  state.textContent = `Sequence #${s.n}: ${s.status}, step ${Math.min(s.step + (s.current_replay_id ? 0 : 1), s.steps)} of ${s.steps}; ${s.sent} sent, ${s.failed} failed`;
  pause.disabled = s.status !== "running";
  resume.disabled = s.status !== "paused";
  cancel.disabled = !["running", "paused"].includes(s.status);
}

export const setSequenceError = (text) => setMessage(error, text);

/** Enabled only for the bin's creator. */
export function setSequenceOwner(owner) {
  start.disabled = !owner;
  start.title = owner ? "" : "Only the bin's creator (with its delete token) can start a sequence";
}

/**
 * @param {{ onStart: (speed: number, onFailure: string) => Promise<void>, onControl: (action: string) => Promise<void> }} hooks
 */
export function wireSequence({ onStart, onControl }) {
  // The replay form's last target is the likeliest one here too.
  byId("sequence-url").value = localStorage.getItem("polyhook.replayTarget") ?? "";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setSequenceError("");
    const value = Number(speed.value);
    if (!(value >= 0.1 && value <= 100)) {
      setSequenceError("Speed must be a number from 0.1 to 100.");
      return;
    }
    start.disabled = true;
    try {
      await onStart(value, onFailure.value);
    } catch (err) {
      setSequenceError(`Sequence refused: ${err.message}`);
    } finally {
      start.disabled = false;
    }
  });
  for (const [button, action] of [[pause, "pause"], [resume, "resume"], [cancel, "cancel"]]) {
    button.addEventListener("click", () => onControl(action).catch((err) => setSequenceError(`${action} refused: ${err.message}`)));
  }
}
