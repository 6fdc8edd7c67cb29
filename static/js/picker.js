// Pickers (contacts/pickers.py): the search box becomes a combobox over the server's
// matches. htmx fetches the options as you type; this script lets the keyboard and the
// mouse choose one: arrows move, Enter or a click selects, Escape closes. The choice is
// written into the field's <select>, which the form posts as before.
(() => {
  const ACTIVE = "is-active";

  function enhance(picker) {
    if (picker.dataset.enhanced) return;
    picker.dataset.enhanced = "true";
    const select = picker.querySelector("select");
    const input = picker.querySelector("[role=combobox]");
    const listbox = picker.querySelector("[role=listbox]");
    const status = picker.querySelector("[role=status]");
    const blank = select.querySelector('option[value=""]');
    let typed = false; // the box holds typed text, not the chosen label
    let wanted = false; // the list was asked for (typing, arrow keys) and not closed since

    // The field's label now names the combobox; the <select> and the Search button are
    // for browsers without JavaScript.
    const fieldLabel = document.querySelector(`label[for="${select.id}"]`);
    if (fieldLabel) fieldLabel.htmlFor = input.id;
    picker.classList.add("is-enhanced");
    picker.querySelector(".picker-search-button")?.remove();
    status.textContent = "";

    if (input.dataset.emptyLabel) input.placeholder = input.dataset.emptyLabel;
    const chosenLabel = () => (select.value ? select.selectedOptions[0].textContent : "");
    input.value = chosenLabel();

    const options = () => Array.from(listbox.querySelectorAll('[role=option]:not([aria-disabled="true"])'));
    const active = () => listbox.querySelector(`.${ACTIVE}`);

    function setActive(option) {
      listbox.querySelectorAll("[role=option]").forEach((each) => {
        each.classList.toggle(ACTIVE, each === option);
        each.setAttribute("aria-selected", each === option ? "true" : "false");
      });
      if (option) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      wanted = false;
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(value, label) {
      Array.from(select.options).forEach((option) => {
        if (option !== blank) option.remove();
      });
      if (value) select.add(new Option(label, value, true, true));
      else if (blank) blank.selected = true;
      input.value = value ? label : "";
      typed = false;
      close();
      status.textContent = value ? `${label} chosen.` : "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // Leaving the box without choosing keeps the choice; an emptied box means "none".
    function settle() {
      close();
      if (!typed) return;
      if (!input.value.trim() && blank) choose("", "");
      else {
        input.value = chosenLabel();
        typed = false;
      }
    }

    input.addEventListener("input", () => {
      typed = true;
      wanted = true;
    });

    // Until something is typed the box shows the current choice: search for everything.
    input.addEventListener("htmx:configRequest", (event) => {
      if (!typed) event.detail.parameters[input.name] = "";
      if (select.value) event.detail.parameters.selected = select.value;
    });

    listbox.addEventListener("htmx:afterSwap", () => {
      const found = options();
      found.forEach((option, index) => {
        option.id = `${listbox.id}-${index}`;
      });
      listbox.querySelectorAll('[aria-disabled="true"]').forEach((note, index) => {
        note.id = `${listbox.id}-note-${index}`;
      });
      if (!wanted || document.activeElement !== input) return;
      open();
      const current = found.find((option) => option.dataset.value === select.value);
      setActive(typed ? found[0] || null : current || found[0] || null);
      const count = found.length;
      status.textContent = count
        ? `${count} match${count === 1 ? "" : "es"}: use the arrow keys and Enter to choose.`
        : "Nothing matches.";
    });

    input.addEventListener("keydown", (event) => {
      const found = options();
      const position = found.indexOf(active());
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (listbox.hidden) {
          wanted = true;
          htmx.trigger(input, "pickerOpen");
          return;
        }
        if (!found.length) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive(found[(position + step + found.length) % found.length]);
      } else if (event.key === "Enter") {
        if (listbox.hidden) return; // a closed list: Enter submits the form as usual
        event.preventDefault();
        const option = active();
        if (option) choose(option.dataset.value, option.textContent);
      } else if (event.key === "Escape") {
        if (listbox.hidden) return;
        event.preventDefault();
        settle();
      }
    });

    input.addEventListener("blur", settle);

    // mousedown would take the focus from the box (and close the list) before the click.
    listbox.addEventListener("mousedown", (event) => event.preventDefault());
    listbox.addEventListener("click", (event) => {
      const option = event.target.closest('[role=option]:not([aria-disabled="true"])');
      if (option) choose(option.dataset.value, option.textContent);
    });
  }

  htmx.onLoad((root) => {
    const pickers = root.matches?.("[data-picker]") ? [root] : root.querySelectorAll("[data-picker]");
    pickers.forEach(enhance);
  });
})();
