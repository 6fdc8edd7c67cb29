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

// Any other htmx swap: announce what changed and keep keyboard focus in place.
// A live region that htmx replaces (hx-swap="outerHTML") is new to a screen reader and is
// not read out, so the text of each [data-announce] element in the new content is copied
// into one live region that never changes (#htmx-announcer, in base.html). If the swap
// removed the focused element, focus goes to its replacement (same id), else to the new
// content's heading.
(() => {
  let focusedId = null;
  let targetId = null;
  let outOfBand = [];  // ids of [data-announce] elements swapped out of band (a list's count)

  const textOf = (el) => (el.dataset.announce || el.textContent).replace(/\s+/g, " ").trim();

  document.addEventListener("htmx:oobAfterSwap", (event) => {
    const el = event.detail.target;
    if (el && el.id && el.matches && el.matches("[data-announce]")) outOfBand.push(el.id);
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const active = document.activeElement;
    focusedId = active && active !== document.body ? active.id || null : null;
    targetId = event.detail.target ? event.detail.target.id || null : null;
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const target = (targetId && document.getElementById(targetId)) || event.detail.target;
    const announcer = document.getElementById("htmx-announcer");
    if (target && announcer) {
      const parts = Array.from(target.querySelectorAll("[data-announce]"));
      if (target.matches("[data-announce]")) parts.unshift(target);
      const oob = outOfBand.map((id) => document.getElementById(id)).filter(Boolean);
      const text = parts.concat(oob).map(textOf).filter(Boolean).join(". ");
      if (text) {
        announcer.textContent = "";
        window.setTimeout(() => { announcer.textContent = text; }, 50);
      }
    }
    outOfBand = [];
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    const again = focusedId && document.getElementById(focusedId);
    const heading = target && target.querySelector("h2, h3");
    const next = again || heading || (targetId && target);
    if (!next) return;
    if (!next.matches("button, a[href], input, select, textarea, [tabindex]")) {
      next.setAttribute("tabindex", "-1");
    }
    next.focus();
  });
})();
