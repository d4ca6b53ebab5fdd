// Copy buttons. navigator.clipboard needs a secure context (https or
// localhost); elsewhere a hidden textarea and execCommand still work.

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** Copies `getText()` on click and says so on the button for a moment. */
export function wireCopyButton(button, getText) {
  const label = button.textContent;
  button.addEventListener("click", async () => {
    const ok = await copyText(getText());
    button.textContent = ok ? "Copied" : "Copy failed";
    setTimeout(() => { button.textContent = label; }, 1500);
  });
}

/** A new copy button for a block of text, e.g. a curl example. */
export function copyButton(getText, label = "Copy") {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "small";
  button.textContent = label;
  wireCopyButton(button, getText);
  return button;
}
