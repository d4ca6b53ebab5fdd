// The replay form of the open capture, its replays, and the bin's
// dead-letter list (failed replays) with their Retry buttons.
import { byId, show, setMessage } from "./dom.js";
import { replayItem } from "./replayitem.js";

const form = byId("replay-form");
const urlInput = byId("replay-url");
const retriesInput = byId("replay-retries");
const submit = byId("replay-submit");
const formError = byId("replay-error");
const list = byId("replay-list");
const deadList = byId("dead-list");
const deadEmpty = byId("dead-empty");
const deadError = byId("dead-error");

const TARGET_KEY = "polyhook.replayTarget";

/**
 * @param {(targetUrl: string, maxRetries: number) => Promise<void>} onReplay
 */
export function wireReplayForm(onReplay) {
  urlInput.value = localStorage.getItem(TARGET_KEY) ?? "";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setMessage(formError, "");
    const retries = Number(retriesInput.value);
    if (!Number.isInteger(retries) || retries < 0 || retries > 5) {
      setMessage(formError, "Max retries must be a whole number from 0 to 5.");
      return;
    }
    submit.disabled = true;
    try {
      localStorage.setItem(TARGET_KEY, urlInput.value);
      await onReplay(urlInput.value, retries);
      submit.disabled = false;
    } catch (err) {
      setMessage(formError, `Replay refused: ${err.message}`);
      submit.disabled = false;
    }
  });
}

export const setReplayError = (text) => setMessage(formError, text);

/** An ended bin can't replay: its captures are gone from the server. */
export function setReplayEnabled(enabled) {
  submit.disabled = !enabled;
  submit.title = enabled ? "" : "The bin has ended";
}

/** A replay id is "<bin>-r<n>"; n grows per bin, so it orders replays. */
const replayNumber = (r) => Number(/-r(\d+)$/.exec(r.id)?.[1] ?? 0);

/** Replays of the open capture, newest first. */
export function renderReplays(replays) {
  const sorted = [...replays].sort((a, b) => replayNumber(b) - replayNumber(a));
  list.replaceChildren(...sorted.map((r) => replayItem(r)));
}

/** The dead-letter list: failed replays, each with Retry. */
export function renderDeadLetters(replays, onRetry) {
  deadList.replaceChildren(...replays.map((r) => replayItem(r, { onRetry })));
  show(deadEmpty, replays.length === 0);
}

export const setDeadError = (text) => setMessage(deadError, text);
