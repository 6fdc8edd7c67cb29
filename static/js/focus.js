// Keyboard focus after htmx replaces the part of the page that held it (Accept or Dismiss
// in a suggestions panel, ticking a follow-up): move it to the next suggestion's first
// button, or to the panel's heading, never leave it on <body>.
(() => {
  const ITEM = "[data-suggestion], [data-follow-up]";
  let position = null;

  document.addEventListener("htmx:beforeRequest", (event) => {
    const item = event.target.closest(ITEM);
    position = item && item.parentElement
      ? Array.from(item.parentElement.querySelectorAll(`:scope > ${ITEM}`)).indexOf(item)
      : null;
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    if (position === null) return;
    const target = event.detail.target;
    const items = target.querySelectorAll(ITEM);
    const item = items.length ? items[Math.min(position, items.length - 1)] : null;
    const next = item
      ? item.querySelector("button, a[href]")
      : target.querySelector("h2, h3") || target.closest("section")?.querySelector("h2");
    if (!next) return;
    if (!next.matches("button, a[href], [tabindex]")) next.setAttribute("tabindex", "-1");
    next.focus();
    position = null;
  });
})();
