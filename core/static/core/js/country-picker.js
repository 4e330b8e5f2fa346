// Searchable multiple choice of countries: enhances every <select multiple data-country-picker>.
// The select stays in the form (hidden) and keeps the chosen options selected, so the form posts as
// without JavaScript. The field is an ARIA combobox (aria-autocomplete="list") with a listbox of the
// matching countries; the chosen ones are listed under it, each with a "Remove" button.
(function () {
  "use strict";

  const MAX_SHOWN = 50;
  let counter = 0;

  function text(select, name, fallback) {
    return select.dataset[name] || fallback;
  }

  function enhance(select) {
    if (select.dataset.countryPickerReady) return;
    select.dataset.countryPickerReady = "1";
    counter += 1;
    const base = (select.id || "country-picker") + "-" + counter;
    const options = Array.from(select.options).map(function (option) {
      const group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
      return { option: option, label: option.textContent.trim(), group: group, key: fold(option.textContent) };
    });

    const wrapper = document.createElement("div");
    wrapper.className = "country-picker";
    const input = document.createElement("input");
    input.type = "text";
    input.id = base + "-search";
    input.className = "country-picker__search";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", base + "-listbox");
    input.placeholder = text(select, "placeholder", "Type a country's name…");
    const hint = document.createElement("p");
    hint.id = base + "-hint";
    hint.className = "country-picker__hint";
    hint.textContent = text(select, "hint", "Type to search, then press Enter or click to add. Arrow keys move through the matches.");
    input.setAttribute("aria-describedby", hint.id);
    const listbox = document.createElement("ul");
    listbox.id = base + "-listbox";
    listbox.className = "country-picker__listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-multiselectable", "true");
    listbox.hidden = true;
    const chosen = document.createElement("ul");
    chosen.className = "country-picker__chosen";
    const status = document.createElement("p");
    status.className = "country-picker__status";
    status.setAttribute("role", "status");

    const label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) {
      label.htmlFor = input.id;
      chosen.setAttribute("aria-label", label.textContent.trim() + ": " + text(select, "chosenLabel", "chosen"));
      listbox.setAttribute("aria-label", label.textContent.trim());
    } else if (select.getAttribute("aria-label")) {
      input.setAttribute("aria-label", select.getAttribute("aria-label"));
    }

    wrapper.append(input, hint, listbox, chosen, status);
    select.after(wrapper);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;

    let matches = [];
    let active = -1;
    let expanded = false;

    function renderChosen() {
      chosen.replaceChildren();
      options.filter(function (o) { return o.option.selected; }).forEach(function (o) {
        const item = document.createElement("li");
        item.className = "country-picker__chip";
        const name = document.createElement("span");
        name.textContent = o.label;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "country-picker__remove";
        remove.setAttribute("aria-label", text(select, "removeLabel", "Remove") + " " + o.label);
        remove.textContent = "×";
        remove.addEventListener("click", function () {
          toggle(o, false);
          input.focus();
        });
        item.append(name, remove);
        chosen.append(item);
      });
      chosen.hidden = !chosen.children.length;
    }

    function renderMatches() {
      const query = fold(input.value);
      matches = query ? options.filter(function (o) { return o.key.includes(query) || fold(o.group).startsWith(query); }) : options;
      matches = matches.slice(0, MAX_SHOWN);
      listbox.replaceChildren();
      matches.forEach(function (o, index) {
        const item = document.createElement("li");
        item.id = base + "-option-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", o.option.selected ? "true" : "false");
        item.className = "country-picker__option" + (index === active ? " is-active" : "");
        item.textContent = o.label;
        if (o.group) {
          const group = document.createElement("span");
          group.className = "country-picker__group";
          group.textContent = " · " + o.group;
          item.append(group);
        }
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { toggle(o, !o.option.selected); });
        listbox.append(item);
      });
      const open = expanded && document.activeElement === input && matches.length > 0;
      listbox.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (active >= 0 && active < matches.length) {
        input.setAttribute("aria-activedescendant", base + "-option-" + active);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function toggle(o, selected) {
      o.option.selected = selected;
      if (selected) {
        // Chosen: the search starts again, the list closes until the next letters are typed.
        input.value = "";
        expanded = false;
        active = -1;
      }
      select.dispatchEvent(new Event("change", { bubbles: true }));
      status.textContent = (selected ? text(select, "addedLabel", "Added") : text(select, "removedLabel", "Removed")) + ": " + o.label;
      renderChosen();
      renderMatches();
    }

    input.addEventListener("input", function () {
      expanded = true;
      active = 0;
      renderMatches();
      if (!matches.length) active = -1;
    });
    input.addEventListener("focus", renderMatches);
    input.addEventListener("blur", function () {
      expanded = false;
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        expanded = true;
        if (!matches.length) return;
        active = event.key === "ArrowDown" ? Math.min(active + 1, matches.length - 1) : Math.max(active - 1, 0);
        renderMatches();
        const current = document.getElementById(base + "-option-" + active);
        if (current) current.scrollIntoView({ block: "nearest" });
      } else if (event.key === "Enter") {
        // Enter in the search never submits the form: it adds the highlighted (or only) match.
        event.preventDefault();
        const match = matches[active] || (input.value.trim() && matches.length === 1 ? matches[0] : null);
        if (match) toggle(match, !match.option.selected);
      } else if (event.key === "Escape") {
        expanded = false;
        listbox.hidden = true;
        input.setAttribute("aria-expanded", "false");
      }
    });
    renderChosen();
  }

  function fold(value) {
    return (value || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[multiple][data-country-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(); });
  } else {
    enhanceAll();
  }
  // Wagtail's filter drawer and listing refreshes insert new forms: enhance them too. Not while the
  // page is still being parsed: the script may run from the form's media, before a select's options
  // have all arrived, and a picker built then would match nothing. DOMContentLoaded enhances those.
  new MutationObserver(function () {
    if (document.readyState !== "loading") enhanceAll();
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
