// Starting the widgets of a page: each element matching `selector` gets one widget, now and
// whenever new items arrive (practice.js and exam.js announce them with "item:loaded").

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
