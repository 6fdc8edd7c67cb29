// The prep sheet's Print button (no inline handlers under the strict CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
