// What the box and span widgets share: starting once per element, and the list of marked
// items under the widget.

// Each element matching `selector` gets one widget, now and whenever new items arrive
// (practice.js and exam.js announce them with "item:loaded").
export function startWidgets(selector, Widget) {
  const started = new WeakSet();
  function init(root = document) {
    const found = [...root.querySelectorAll(selector)];
    if (root.matches?.(selector)) found.unshift(root);
    for (const element of found) {
      if (!started.has(element)) {
        started.add(element);
        new Widget(element);
      }
    }
  }
  document.addEventListener("item:loaded", (event) => init(event.detail?.root ?? event.target));
  return init;
}

export function button(className, index) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.dataset.index = index;
  return element;
}

// The items (boxes, spans) as a list: a row per item with a button that selects it and one
// that removes it, so that everything can be done with the keyboard. The list is drawn
// afresh after each change; the keyboard focus stays on the same row (or the next one).
export function renderItemList(list, items, options) {
  const { kind, selected, readonly, colour, name, removeClass, removeText, removeLabel } = options;
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  const focus = focused && { index: Number(focused.dataset.index), role: focused.className };
  const rows = items.map((item, i) => {
    const row = document.createElement("li");
    row.className = `${kind}-item wc-${colour(item)}${i === selected ? " is-selected" : ""}`;
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.setAttribute("aria-hidden", "true");
    if (readonly) {
      row.append(swatch, name(item, i));
      return row;
    }
    const pick = button(`btn ${kind}-item-pick`, i);
    pick.setAttribute("aria-pressed", String(i === selected));
    pick.append(swatch, name(item, i));
    const remove = button(`btn ${removeClass}`, i);
    remove.textContent = removeText;
    remove.setAttribute("aria-label", removeLabel(item, i));
    row.append(pick, remove);
    return row;
  });
  if (!rows.length) {
    const empty = document.createElement("li");
    empty.className = `${kind}-empty`;
    empty.textContent = options.emptyText;
    rows.push(empty);
  }
  list.replaceChildren(...rows);
  if (focus) {
    const buttons = [...list.querySelectorAll("button")].filter((b) => b.className === focus.role);
    const next = buttons[Math.min(focus.index, buttons.length - 1)];
    (next || options.fallbackFocus)?.focus();
  }
}
