// The verification badge of a capture: nothing when the bin has no
// verifier, else the scheme and a tick, or a cross and the reason.
import { el } from "./dom.js";

/** The badge's text and state for `verification` (null: no badge). */
export function badgeOf(verification) {
  if (!verification) return null;
  return verification.valid
    ? { state: "valid", text: `✓ ${verification.scheme}`, title: `Signature verified (${verification.scheme})` }
    : { state: "invalid", text: `✗ ${verification.scheme}`, title: `Signature not verified: ${verification.reason}` };
}

/** The badge element, or null. */
export function badge(verification) {
  const b = badgeOf(verification);
  return b ? el("span", { class: `sig sig-${b.state}`, title: b.title, text: b.text }) : null;
}
