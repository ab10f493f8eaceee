// An exam item's form as [name, value] pairs (what the offline queue keeps) and back.
// The answer widgets (boxes, spans) keep their answer as JSON in a hidden input but draw it
// only when they start, so a widget whose input gets an answer back is started again.

const NOT_AN_ANSWER = new Set(["csrfmiddlewaretoken", "position", "seq", "flagged"]);
const KEPT_AS_RENDERED = new Set(["csrfmiddlewaretoken", "position", "seq"]);
const EMPTY = new Set(["", "[]", "{}", "null"]);
const NOT_VALUES = new Set(["submit", "button", "reset", "image", "file", "fieldset", "output"]);
const WIDGETS = ".box-widget, .span-widget";
// What the box widget adds to its picture; the span widget rebuilds its texts itself.
const DRAWN = ".box-layer, .box-handles";

export function readFields(form) {
  return [...new FormData(form)].filter(([, value]) => typeof value === "string");
}

export function hasAnswer(fields) {
  return fields.some(([name, value]) => !NOT_AN_ANSWER.has(name) && !EMPTY.has(value.trim()));
}

export function sameAnswer(a, b) {
  const key = (fields) => JSON.stringify(fields.filter(([name]) => !KEPT_AS_RENDERED.has(name)));
  return key(a) === key(b);
}

export function restoreFields(form, fields) {
  const values = new Map();
  for (const [name, value] of fields) {
    if (!values.has(name)) values.set(name, []);
    values.get(name).push(value);
  }
  const taken = new Map(); // name → values used so far, for several text inputs of one name
  const widgets = new Set();
  for (const element of [...form.elements]) {
    const name = element.name;
    if (!name || KEPT_AS_RENDERED.has(name) || NOT_VALUES.has(element.type)) continue;
    const given = values.get(name) || [];
    if (element.type === "radio" || element.type === "checkbox") {
      element.checked = given.includes(element.value);
    } else if (element.type === "select-multiple") {
      for (const option of element.options) option.selected = given.includes(option.value);
    } else {
      const n = taken.get(name) || 0;
      taken.set(name, n + 1);
      if (n >= given.length || element.value === given[n]) continue;
      element.value = given[n];
      const widget = element.type === "hidden" && element.closest(WIDGETS);
      if (widget) widgets.add(widget);
    }
  }
  for (const widget of widgets) restart(widget);
}

function restart(widget) {
  // A started widget cannot be told its answer changed; a copy of it can start afresh. The
  // copy keeps the hidden input's value and, without data-saved, reads its answer from it.
  const fresh = widget.cloneNode(true);
  fresh.removeAttribute("data-saved");
  for (const element of fresh.querySelectorAll(DRAWN)) element.remove();
  widget.replaceWith(fresh);
  // The widgets' own hook for new content (a widget not loaded yet finds the copy itself).
  fresh.dispatchEvent(new CustomEvent("item:loaded", { bubbles: true, detail: { root: fresh } }));
}
