// The box drawing widget of bounding-box items (question_bank/types/bounding_box.html).
//
// The learner draws boxes on a picture with a mouse, a finger, a pen or the keyboard. The
// whole answer lives as JSON in one hidden input, in image pixels with one decimal, so the
// form posts it like any other field; an "input" event after every change tells autosave.
// Every string shown comes from the template (data-label-*), so it can be translated.
// The question form uses the same widget to draw the gold boxes (data-author).

import { renderItemList, startWidgets } from "./widget-common.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const COLOURS = 8; // .wc-0 … .wc-7 in widgets.css
const TAP_SLOP = 6; // screen pixels: a shorter drag is a tap
const HANDLE_REACH = 20; // screen pixels: the touch radius of a corner handle
const HANDLE_DOT = 8;
const LABEL_SIZE = 13; // screen pixels
const MIN_SIDE = 2; // image pixels: a thinner box is a slip of the finger
const UNDO_LIMIT = 100;
const NUDGE_PAUSE = 1500; // ms: arrow presses closer together than this undo as one step
const CORNERS = { nw: [0, 0], ne: [1, 0], sw: [0, 1], se: [1, 1] };
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };


// Fingers on the screen, wherever they are: a second finger means a pinch, not a drawing.
// A primary pointer starts a new gesture, so a lost pointerup cannot leave one behind.
const touches = new Set();
window.addEventListener(
  "pointerdown",
  (event) => {
    if (event.pointerType !== "touch") return;
    if (event.isPrimary) touches.clear();
    touches.add(event.pointerId);
  },
  true,
);
for (const type of ["pointerup", "pointercancel"]) {
  window.addEventListener(type, (event) => touches.delete(event.pointerId), true);
}

class BoxWidget {
  constructor(root) {
    this.root = root;
    this.width = Number(root.dataset.width);
    this.height = Number(root.dataset.height);
    this.readonly = root.hasAttribute("data-readonly");
    this.svg = root.querySelector(".box-surface");
    // On the question form (data-author) the boxes are the gold ones: their field has no
    // name, so it is not posted, and author-payload.js copies it into the task data.
    this.input = root.querySelector(root.hasAttribute("data-author") ? "input.widget-value" : 'input[name="boxes"]');
    this.classButtons = [...root.querySelectorAll(".box-class-btn")];
    this.classes = readJson(root.dataset.classes) ?? this.classButtons.map((b) => b.dataset.class);
    this.caption = root.querySelector(".box-class-caption");
    this.captionNext = this.caption?.textContent ?? "";
    this.list = root.querySelector(".box-list");
    this.status = root.querySelector(".box-status");
    this.actions = {};
    for (const button of root.querySelectorAll("[data-action]")) {
      this.actions[button.dataset.action] = button;
    }

    // The template fills in the saved answer; read-only, the field is there but disabled.
    this.boxes = this.parse(this.input?.value);

    this.current = 0; // the class of the next box
    this.selected = null;
    this.draft = null; // the box being drawn
    this.drag = null;
    this.undoStack = [];
    this.lastNudge = null;

    this.layer = this.svg.appendChild(svgElement("g", { class: "box-layer" }));
    this.handleLayer = this.svg.appendChild(svgElement("g", { class: "box-handles" }));
    if (!this.readonly) this.listen();
    new ResizeObserver(() => this.draw()).observe(this.svg);
    this.render();
  }

  parse(value) {
    const boxes = readJson(value);
    if (!Array.isArray(boxes)) return [];
    return boxes
      .filter((b) => b && typeof b.class === "string" && ["x", "y", "w", "h"].every((k) => Number.isFinite(b[k])))
      .map((b) => this.tidy(b));
  }

  text(name, values = {}) {
    const key = `label${name[0].toUpperCase()}${name.slice(1)}`;
    return (this.root.dataset[key] || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  }

  listen() {
    const svg = this.svg;
    svg.classList.add("is-editable");
    svg.setAttribute("tabindex", "0");
    svg.setAttribute("role", "application");
    svg.addEventListener("pointerdown", (e) => this.onPointerDown(e));
    svg.addEventListener("pointermove", (e) => this.onPointerMove(e));
    svg.addEventListener("pointerup", (e) => this.onPointerUp(e));
    svg.addEventListener("pointercancel", (e) => this.onPointerCancel(e));
    svg.addEventListener("lostpointercapture", (e) => this.onPointerCancel(e));
    svg.addEventListener("contextmenu", (e) => e.preventDefault());
    this.root.addEventListener("keydown", (e) => this.onKey(e));
    this.classButtons.forEach((button, i) => {
      button.classList.add(`wc-${i % COLOURS}`);
      button.addEventListener("click", () => this.chooseClass(i));
    });
    this.actions.new?.addEventListener("click", () => this.addCentred());
    this.actions.undo?.addEventListener("click", () => this.undo());
    this.actions.delete?.addEventListener("click", () => this.remove(this.selected));
    this.list?.addEventListener("click", (e) => {
      const button = e.target.closest("button[data-index]");
      if (!button) return;
      const index = Number(button.dataset.index);
      if (button.classList.contains("box-item-delete")) this.remove(index);
      else this.select(index, true);
    });
    for (const element of this.root.querySelectorAll(".widget-controls")) element.hidden = false;
    this.root.querySelector(".widget-fallback")?.remove();
  }

  // Geometry ----------------------------------------------------------------------------

  unit() {
    // Image pixels per screen pixel: keeps handles and labels the same size on any screen.
    const shown = this.svg.getBoundingClientRect().width;
    return shown ? this.width / shown : 1;
  }

  toImage(event) {
    const matrix = this.svg.getScreenCTM();
    if (!matrix) return { x: 0, y: 0 };
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    return { x: point.x, y: point.y };
  }

  tidy(box) {
    const x = round1(clamp(box.x, 0, this.width));
    const y = round1(clamp(box.y, 0, this.height));
    return {
      class: box.class,
      x,
      y,
      w: round1(clamp(box.w, 0, this.width - x)),
      h: round1(clamp(box.h, 0, this.height - y)),
    };
  }

  fromCorners(a, b, className) {
    const x0 = clamp(Math.min(a.x, b.x), 0, this.width);
    const y0 = clamp(Math.min(a.y, b.y), 0, this.height);
    const x1 = clamp(Math.max(a.x, b.x), 0, this.width);
    const y1 = clamp(Math.max(a.y, b.y), 0, this.height);
    return { class: className, x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }

  colour(className) {
    const index = this.classes.indexOf(className);
    return index < 0 ? COLOURS - 1 : index % COLOURS;
  }

  // Pointer: mouse, touch and pen alike -------------------------------------------------

  onPointerDown(event) {
    if (touches.size > 1) {
      this.abandon();
      return;
    }
    if (this.drag || (event.pointerType === "mouse" && event.button !== 0)) return;
    const handle = event.target.closest("[data-corner]");
    const shape = event.target.closest("[data-index]");
    let kind = "draw";
    let index = null;
    if (handle && this.selected !== null) {
      kind = "resize";
      index = this.selected;
    } else if (shape) {
      kind = "move";
      index = Number(shape.dataset.index);
    }
    this.drag = {
      id: event.pointerId,
      clientX: event.clientX,
      clientY: event.clientY,
      start: this.toImage(event),
      moved: false,
      kind,
      index,
      corner: handle?.dataset.corner,
      before: this.snapshot(),
    };
    this.svg.setPointerCapture(event.pointerId);
    // Keys work after a click; a finger needs no keyboard focus (nor its ring).
    if (event.pointerType !== "touch") this.svg.focus({ preventScroll: true });
    event.preventDefault();
  }

  onPointerMove(event) {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.id) return;
    if (touches.size > 1) {
      this.abandon();
      return;
    }
    const distance = Math.hypot(event.clientX - drag.clientX, event.clientY - drag.clientY);
    if (!drag.moved && distance < TAP_SLOP) return;
    drag.moved = true;
    const point = this.toImage(event);
    const dx = point.x - drag.start.x;
    const dy = point.y - drag.start.y;
    const original = drag.before.boxes[drag.index];
    if (drag.kind === "draw") {
      this.draft = this.fromCorners(drag.start, point, this.classes[this.current]);
    } else if (drag.kind === "move") {
      this.selected = drag.index;
      this.boxes[drag.index] = {
        ...original,
        x: clamp(original.x + dx, 0, this.width - original.w),
        y: clamp(original.y + dy, 0, this.height - original.h),
      };
    } else {
      // The opposite corner stays put; the dragged one follows the finger.
      const [fx, fy] = CORNERS[drag.corner];
      const fixed = { x: original.x + (1 - fx) * original.w, y: original.y + (1 - fy) * original.h };
      const moving = { x: original.x + fx * original.w + dx, y: original.y + fy * original.h + dy };
      this.boxes[drag.index] = this.fromCorners(fixed, moving, original.class);
    }
    this.scheduleDraw();
  }

  onPointerUp(event) {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.id) return;
    this.drag = null;
    if (!drag.moved) {
      if (drag.kind === "move") this.select(drag.index);
      else if (drag.kind === "draw") this.select(null);
      return;
    }
    if (drag.kind === "draw") {
      const box = this.draft;
      this.draft = null;
      if (!box || box.w < MIN_SIDE || box.h < MIN_SIDE) {
        this.draw();
        return;
      }
      this.boxes.push(this.tidy(box));
      this.selected = this.boxes.length - 1;
      this.commit(drag.before, this.text("added", this.describe(this.selected)));
      return;
    }
    const box = this.tidy(this.boxes[drag.index]);
    if (box.w < MIN_SIDE || box.h < MIN_SIDE) {
      this.restore(drag.before);
      return;
    }
    this.boxes[drag.index] = box;
    this.selected = drag.index;
    this.commit(drag.before);
  }

  onPointerCancel(event) {
    if (this.drag && event.pointerId === this.drag.id) this.abandon();
  }

  abandon() {
    // A second finger (pinch zoom) or the browser took the pointer: forget this gesture.
    const drag = this.drag;
    if (!drag) return;
    this.drag = null;
    this.draft = null;
    if (this.svg.hasPointerCapture(drag.id)) this.svg.releasePointerCapture(drag.id);
    this.restore(drag.before);
  }

  scheduleDraw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
  }

  // Keyboard ------------------------------------------------------------------------------

  onKey(event) {
    const target = event.target;
    const onSurface = target === this.svg;
    const row = target.closest?.(".box-item-pick");
    if (!onSurface && !row) return;
    if (row && Number(row.dataset.index) !== this.selected) this.select(Number(row.dataset.index));
    const key = event.key;
    if (event.ctrlKey || event.metaKey) {
      if (key.toLowerCase() === "z" && !event.shiftKey) {
        this.undo();
        event.preventDefault();
      }
      return;
    }
    if (ARROWS[key]) {
      if (this.selected === null) return;
      const step = event.shiftKey ? 10 : 1;
      const [dx, dy] = ARROWS[key];
      this.nudge(dx * step, dy * step, event.altKey);
    } else if (event.altKey) {
      return;
    } else if (key === "Delete" || key === "Backspace") {
      if (this.selected === null) return;
      this.remove(this.selected);
    } else if (key === "n" || key === "N") {
      this.addCentred();
    } else if (key === "Escape") {
      if (this.selected === null) return;
      this.select(null);
    } else if (/^[1-9]$/.test(key) && Number(key) <= this.classes.length) {
      this.chooseClass(Number(key) - 1);
    } else {
      return;
    }
    event.preventDefault();
  }

  nudge(dx, dy, resize) {
    const box = this.boxes[this.selected];
    const before = this.snapshot();
    const next = resize
      ? { ...box, w: Math.max(1, box.w + dx), h: Math.max(1, box.h + dy) }
      : {
          ...box,
          x: clamp(box.x + dx, 0, this.width - box.w),
          y: clamp(box.y + dy, 0, this.height - box.h),
        };
    this.boxes[this.selected] = this.tidy(next);
    // A run of presses on one box is one step for Undo.
    const now = Date.now();
    const last = this.lastNudge;
    const sameRun = last && last.index === this.selected && now - last.time < NUDGE_PAUSE;
    this.lastNudge = { index: this.selected, time: now };
    this.commit(sameRun ? null : before);
  }

  // Changes -----------------------------------------------------------------------------

  snapshot() {
    return { boxes: this.boxes.map((b) => ({ ...b })), selected: this.selected };
  }

  restore(state) {
    this.boxes = state.boxes.map((b) => ({ ...b }));
    this.selected = state.selected !== null && state.selected < this.boxes.length ? state.selected : null;
    this.render();
  }

  commit(before, message) {
    if (before) {
      if (JSON.stringify(before.boxes) === JSON.stringify(this.boxes)) {
        this.render();
        return;
      }
      this.undoStack.push(before);
      if (this.undoStack.length > UNDO_LIMIT) this.undoStack.shift();
    }
    this.save();
    this.render();
    if (message) this.say(message);
  }

  save() {
    if (!this.input) return;
    this.input.value = JSON.stringify(this.boxes.map((b) => this.tidy(b)));
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  chooseClass(index) {
    this.current = index;
    const box = this.boxes[this.selected];
    if (box && box.class !== this.classes[index]) {
      const before = this.snapshot();
      this.boxes[this.selected] = { ...box, class: this.classes[index] };
      this.commit(before, this.text("selected", this.describe(this.selected)));
    } else {
      this.render();
    }
  }

  addCentred() {
    const w = this.width * 0.2;
    const h = this.height * 0.2;
    const before = this.snapshot();
    const box = { class: this.classes[this.current], x: (this.width - w) / 2, y: (this.height - h) / 2, w, h };
    this.boxes.push(this.tidy(box));
    this.selected = this.boxes.length - 1;
    this.commit(before, this.text("added", this.describe(this.selected)));
  }

  remove(index) {
    if (index === null || !this.boxes[index]) return;
    const before = this.snapshot();
    const message = this.text("deleted", this.describe(index));
    const focusWasOnToolbar = this.actions.delete && document.activeElement === this.actions.delete;
    this.boxes.splice(index, 1);
    this.selected = null;
    this.commit(before, message);
    if (focusWasOnToolbar) this.svg.focus();
  }

  undo() {
    const state = this.undoStack.pop();
    if (!state) return;
    this.lastNudge = null;
    const focusWasOnUndo = document.activeElement === this.actions.undo;
    this.restore(state);
    this.save();
    this.say(this.text("undone"));
    if (focusWasOnUndo && this.actions.undo.disabled) this.svg.focus();
  }

  select(index, fromList = false) {
    this.selected = index;
    if (index !== null) {
      this.current = Math.max(0, this.classes.indexOf(this.boxes[index].class));
      this.say(this.text("selected", this.describe(index)));
    }
    this.render();
    if (fromList) this.svg.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  describe(index) {
    return { n: index + 1, class: this.boxes[index].class };
  }

  say(message) {
    if (this.status) this.status.textContent = message;
  }

  // Drawing -----------------------------------------------------------------------------

  render() {
    this.draw();
    this.renderControls();
    this.renderList();
  }

  draw() {
    const k = this.unit();
    const order = this.boxes.map((_, i) => i).filter((i) => i !== this.selected);
    if (this.selected !== null) order.push(this.selected);
    this.layer.replaceChildren(...order.map((i) => this.shape(this.boxes[i], i, k)));
    if (this.draft) this.layer.append(this.shape(this.draft, null, k));
    this.handleLayer.replaceChildren();
    const box = this.boxes[this.selected];
    if (this.readonly || !box || this.draft) return;
    for (const [corner, [fx, fy]] of Object.entries(CORNERS)) {
      // Just outside the corner, so a small box keeps some middle to grab and move.
      const cx = box.x + fx * box.w + (fx ? 3 : -3) * k;
      const cy = box.y + fy * box.h + (fy ? 3 : -3) * k;
      const handle = svgElement("g", { class: "box-handle", "data-corner": corner });
      handle.append(
        svgElement("circle", { class: "box-handle-reach", cx, cy, r: HANDLE_REACH * k }),
        svgElement("circle", { class: "box-handle-dot", cx, cy, r: HANDLE_DOT * k }),
      );
      this.handleLayer.append(handle);
    }
  }

  shape(box, index, k) {
    const classes = ["box", `wc-${this.colour(box.class)}`];
    if (index === null) classes.push("is-draft");
    else if (index === this.selected) classes.push("is-selected");
    const group = svgElement("g", { class: classes.join(" ") });
    const area = { x: box.x, y: box.y, width: box.w, height: box.h };
    group.append(svgElement("rect", { class: "box-halo", ...area }), svgElement("rect", { class: "box-rect", ...area }));
    if (index !== null) {
      group.dataset.index = index;
      group.append(this.label(`${index + 1} ${box.class}`, box, k, index === this.selected));
    }
    return group;
  }

  label(text, box, k, selected) {
    const size = LABEL_SIZE * k;
    const pad = 4 * k;
    const height = size * 1.5;
    const width = textWidth(text) * size + 2 * pad;
    // Above the box's top-left corner when there is room, else just inside it; clear of
    // the corner handles when the box is selected.
    const gap = selected ? (HANDLE_DOT + 4) * k : 0;
    const x = clamp(box.x, 0, Math.max(0, this.width - width));
    const y = box.y >= height + gap ? box.y - height - gap : box.y + gap;
    const group = svgElement("g", { class: "box-label", "aria-hidden": "true" });
    group.append(
      svgElement("rect", { x, y, width, height, rx: 2 * k }),
      svgElement("text", { x: x + pad, y: y + height * 0.73, "font-size": size }, text),
    );
    return group;
  }

  renderControls() {
    const box = this.boxes[this.selected];
    const active = box ? this.classes.indexOf(box.class) : this.current;
    this.classButtons.forEach((button, i) => button.setAttribute("aria-pressed", String(i === active)));
    if (this.caption) {
      this.caption.textContent = box ? this.text("classOfBox", { n: this.selected + 1 }) : this.captionNext;
    }
    if (this.actions.delete) this.actions.delete.disabled = !box;
    if (this.actions.undo) this.actions.undo.disabled = !this.undoStack.length;
  }

  renderList() {
    if (!this.list) return;
    renderItemList(this.list, this.boxes, {
      kind: "box",
      selected: this.selected,
      readonly: this.readonly,
      colour: (box) => this.colour(box.class),
      name: (box, i) => `${this.text("box", { n: i + 1 })} · ${box.class}`,
      removeClass: "box-item-delete",
      removeText: this.text("delete"),
      removeLabel: (_box, i) => this.text("deleteBox", { n: i + 1 }),
      emptyText: this.text("empty"),
      fallbackFocus: this.svg,
    });
  }

}

function readJson(text) {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function svgElement(name, attributes = {}, text) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}


function textWidth(text) {
  // In ems: a CJK character is about one em wide, a Latin letter or digit about 0.6.
  return Array.from(text).reduce((sum, char) => sum + (char.codePointAt(0) >= 0x2e80 ? 1 : 0.6), 0);
}

function clamp(value, low, high) {
  return Math.min(Math.max(value, low), high);
}

function round1(value) {
  return Math.round(value * 10) / 10;
}


export const init = startWidgets(".box-widget", BoxWidget);
init();
