// What the Response and Signatures panels share: the bin's setting is
// shown to anyone who may read the bin, changed only with its delete
// token, and every save says "Saved." or the API's error.
import { setMessage } from "./dom.js";

/**
 * @param {{ buttons: HTMLButtonElement[], state: HTMLElement, error: HTMLElement, render: (shown: object) => void }} parts
 */
export function ownerPanel({ buttons, state, error, render }) {
  let shown = null; // the bin the panel shows; a slow answer for another is dropped
  return {
    /** Shows the setting of bin `record`, read with `get`; `notOwner` is said when it has no delete token. */
    async load(record, get, notOwner) {
      shown = record;
      setMessage(error, "");
      const owner = Boolean(record.delete_token);
      for (const button of buttons) button.disabled = !owner;
      try {
        const answer = await get(record);
        if (shown !== record) return;
        render(answer);
        if (!owner) state.textContent = `${state.textContent} ${notOwner}`.trim();
      } catch (err) {
        if (shown === record) setMessage(error, err.message);
      }
    },
    /** Runs one change and shows its answer, or its error. */
    async act(run) {
      setMessage(error, "");
      try {
        render(await run());
        state.textContent = `Saved. ${state.textContent}`;
      } catch (err) {
        setMessage(error, err.message);
      }
    },
  };
}
