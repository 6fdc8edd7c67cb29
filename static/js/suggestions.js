// The debrief form's live next steps (debriefs/debrief_form.html): the panel asks the
// server again only when a field the suggestions read has changed. The form names those
// fields (data-suggestion-fields) and the prefix of its competency rows
// (data-suggestion-prefixes); an input in one of them is announced as "suggestionInput",
// which the panel's hx-trigger listens for. Typing the notes sends nothing to the panel
// (autosave still saves them). Without JavaScript the panel follows each save instead.
(() => {
  const words = (text) => (text || "").split(" ").filter(Boolean);

  document.addEventListener("input", (event) => {
    const field = event.target;
    const form = field.form;
    if (!form || !form.dataset.suggestionFields || !field.name) return;
    const read = words(form.dataset.suggestionFields).includes(field.name)
      || words(form.dataset.suggestionPrefixes).some((prefix) => field.name.startsWith(prefix));
    if (read) field.dispatchEvent(new CustomEvent("suggestionInput", { bubbles: true }));
  });
})();
