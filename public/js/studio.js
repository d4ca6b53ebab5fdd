// The replay studio on a bin's page: the open capture replayed with edits
// (and re-signed), and the filtered feed replayed as a sequence, with its
// progress followed while it runs.
import * as api from "./api.js";
import { byId } from "./dom.js";
import { openEditor } from "./editview.js";
import { filterQuery } from "./filtermodel.js";
import { showSequence } from "./sequenceview.js";

/** How often a running sequence's progress is read, ms. */
const POLL_MS = 500;

/** The target and retries of the Replay form, or of the sequence form (`input`). */
function target(input = "replay-url") {
  const url = byId(input).value.trim();
  if (!url) throw new Error("give a target URL first");
  return { target_url: url, max_retries: Number(byId("replay-retries").value) || 0 };
}

export class Studio {
  #session;
  #sequence = null;
  #timer = null;

  /** @param {import("./session.js").BinSession} session */
  constructor(session) {
    this.#session = session;
    showSequence(null);
  }

  /** Opens the edit dialog on the open capture. */
  edit() {
    const open = this.#session.current;
    if (open) openEditor(open.capture, open.bytes, Boolean(this.#session.record.delete_token));
  }

  /** Replays the open capture with `overrides`; its progress shows with its other replays. */
  async replayEdited(overrides) {
    const s = this.#session;
    const { replay_id: id } = await api.startEditedReplay(s.record, s.selected, { ...target(), ...overrides });
    await s.followReplay(id);
  }

  /** Starts a sequence of what the feed's filter shows, at `speed`. */
  async start(speed, onFailure) {
    const filter = this.#session.filter;
    if (filter?.q) throw new Error("a sequence takes every filter but text search; drop the text");
    const query = filterQuery(filter, { withQ: false }).toString();
    const order = { ...target("sequence-url"), speed, on_failure: onFailure, ...(query && { query }) };
    this.#show(await api.startSequence(this.#session.record, order));
  }

  async control(action) {
    if (this.#sequence) this.#show(await api.controlSequence(this.#session.record, this.#sequence.n, action));
  }

  close() {
    clearTimeout(this.#timer);
    this.#sequence = null;
  }

  #show(sequence) {
    this.#sequence = sequence;
    showSequence(sequence);
    clearTimeout(this.#timer);
    if (["running", "paused"].includes(sequence.status)) {
      this.#timer = setTimeout(() => this.#poll(), POLL_MS);
    }
  }

  async #poll() {
    if (!this.#sequence || this.#session.closed) return;
    try {
      this.#show(await api.getSequence(this.#session.record, this.#sequence.n));
    } catch {
      this.#timer = setTimeout(() => this.#poll(), POLL_MS * 4);
    }
  }
}
