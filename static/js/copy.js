// Copy buttons beside a link shown in full (the calendar feed, an invitation):
// <button data-copy="ID" hidden> copies the text of the element with that id and says so
// in its aria-live status. The button stays hidden without JavaScript; the link can still
// be selected by hand.
document.querySelectorAll("[data-copy]").forEach((button) => { button.hidden = false; });

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector(".copy-status");
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    if (status) status.textContent = "Copied";
  } catch (error) {
    // No clipboard (an insecure origin, a refused permission): select the text instead.
    window.getSelection().selectAllChildren(source);
    if (status) status.textContent = "Selected: press Ctrl+C or ⌘C to copy";
  }
  window.setTimeout(() => { if (status) status.textContent = ""; }, 4000);
});
