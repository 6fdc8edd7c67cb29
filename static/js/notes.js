// Draft notes (debriefs/note.html): Copy puts the subject and the note on the clipboard,
// and "Open in my mail" follows the edits. Without JavaScript the draft is a plain page
// whose text can be selected, and the mail link carries the draft as first written.
(() => {
  const part = (draft, name) => draft.querySelector(`[data-note-${name}]`);

  const mailto = (draft) => {
    const query = new URLSearchParams({
      subject: part(draft, "subject").value,
      body: part(draft, "body").value,
    }).toString().replace(/\+/g, "%20");  // RFC 6068: spaces as %20
    return `mailto:${encodeURIComponent(part(draft, "to").value.trim()).replace("%40", "@")}?${query}`;
  };

  const reveal = (root) => {
    root.querySelectorAll("[data-copy-note][hidden]").forEach((button) => {
      button.hidden = false;
    });
  };

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy-note]");
    if (!button) return;
    const draft = button.closest("[data-note]");
    const status = draft.querySelector("[data-copy-status]");
    const text = `Subject: ${part(draft, "subject").value}\n\n${part(draft, "body").value}`;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "Copied.";
    } catch {
      part(draft, "body").select();
      status.textContent = "Press Ctrl+C (⌘C on a Mac) to copy the selected note.";
    }
  });

  document.addEventListener("input", (event) => {
    const draft = event.target.closest("[data-note]");
    if (draft) part(draft, "mailto").href = mailto(draft);
  });

  document.addEventListener("DOMContentLoaded", () => reveal(document));
  document.addEventListener("htmx:load", (event) => reveal(event.target));
  // A draft opened in place: take keyboard focus to the text to edit.
  document.addEventListener("htmx:afterSettle", (event) => {
    const body = event.detail.target.querySelector("[data-note-body]");
    if (body) body.focus();
  });
})();
