// The span marking widget of span-labelling items (question_bank/types/span_labeling.html).
//
// The learner marks stretches of text as entity types, three ways: with the browser's own
// text selection; by tapping the first and then the last character (easier with a finger,
// and the default on touch screens); or with the keyboard. Offsets count Unicode code
// points as Python does, so each character gets its own element whatever its UTF-16 length.
// The whole answer lives as JSON in one hidden input; an "input" event after every change
// tells autosave. After marking, data-feedback draws found, missed and wrong spans instead.
// Every string shown comes from the template (data-label-*), so it can be translated.
// The question form uses the same widget to mark the gold spans (data-author).

import { renderItemList, startWidgets } from "./widget-common.js";

const COLOURS = 8; // .wc-0 … .wc-7 in widgets.css
const MODE_KEY = "span-widget-mode";
const FEEDBACK_KINDS = ["matched", "missed", "spurious"];


class SpanWidget {
  constructor(root) {
    this.root = root;
    this.readonly = root.hasAttribute("data-readonly");
    this.typeButtons = [...root.querySelectorAll(".span-type-btn")];
    this.types = readJson(root.dataset.types) ?? this.typeButtons.map((b) => b.dataset.type);
    // The texts come as JSON too: the HTML parser would turn a CR LF in a <p> into one LF.
    const sources = readJson(root.dataset.texts) ?? [];
    this.texts = [...root.querySelectorAll(".span-text")].map((el, n) => {
      const source = sources.find((t) => t.id === el.dataset.textId);
      return {
        id: el.dataset.textId,
        n,
        el,
        chars: Array.from(source ? source.text : el.textContent),
        nodes: [],
        caret: 0,
        anchor: null,
      };
    });
    // On the question form (data-author) the spans are the gold ones: their field has no
    // name, so it is not posted, and author-payload.js copies it into the task data.
    this.input = root.querySelector(root.hasAttribute("data-author") ? "input.widget-value" : 'input[name="spans"]');
    this.feedback = readJson(root.dataset.feedback);
    // The template fills in the saved answer; read-only, the field is there but disabled.
    this.spans = this.parse(this.input?.value);

    this.pending = null; // {text, start, end}: the stretch a type button would mark
    this.tapStart = null; // {text, i}: the first character tapped in tap mode
    this.selected = null; // index of a marked span chosen to remove or retype
    this.removeButton = root.querySelector('[data-action="remove"]');
    this.modeButton = root.querySelector('[data-action="mode"]');
    this.message = root.querySelector(".span-message");
    this.list = root.querySelector(".span-list");

    if (!this.readonly) this.listen();
    this.build();
    this.renderControls();
  }

  parse(value) {
    const spans = readJson(value);
    if (!Array.isArray(spans)) return [];
    return this.sorted(
      spans
        .filter((s) => {
          const text = s && this.texts.find((t) => t.id === s.text_id);
          return text && Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start < s.end && s.end <= text.chars.length;
        })
        .map((s) => ({ text_id: s.text_id, start: s.start, end: s.end, type: s.type })),
    );
  }

  sorted(spans) {
    const order = (s) => this.texts.findIndex((t) => t.id === s.text_id);
    return spans.sort((a, b) => order(a) - order(b) || a.start - b.start || a.end - b.end);
  }

  text(name, values = {}) {
    const key = `label${name[0].toUpperCase()}${name.slice(1)}`;
    return (this.root.dataset[key] || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  }

  listen() {
    this.root.addEventListener("keydown", (e) => this.onKey(e));
    for (const text of this.texts) {
      text.el.tabIndex = 0;
      text.el.addEventListener("click", (e) => this.onClick(e, text));
      text.el.addEventListener("pointerup", () => setTimeout(() => this.readSelection(), 0));
      text.el.addEventListener("pointerdown", () => text.el.classList.remove("show-caret"));
    }
    this.onSelectionChange = () => this.readSelection();
    document.addEventListener("selectionchange", this.onSelectionChange);
    this.typeButtons.forEach((button, i) => {
      // Pressing a button must not throw away the text selection it is meant to mark.
      button.addEventListener("mousedown", (e) => e.preventDefault());
      button.addEventListener("click", () => this.applyType(i));
    });
    this.removeButton?.addEventListener("mousedown", (e) => e.preventDefault());
    this.removeButton?.addEventListener("click", () => this.remove(this.selected));
    this.modeButton?.addEventListener("click", () => this.setMode(this.mode === "tap" ? "select" : "tap", true));
    this.list?.addEventListener("click", (e) => {
      const button = e.target.closest("button[data-index]");
      if (!button) return;
      const index = Number(button.dataset.index);
      if (button.classList.contains("span-item-remove")) this.remove(index);
      else this.selectSpan(index, true);
    });
    let mode = null;
    try {
      mode = localStorage.getItem(MODE_KEY);
    } catch {
      // Storage may be off (private mode); the default is fine.
    }
    if (mode !== "tap" && mode !== "select") {
      mode = window.matchMedia("(pointer: coarse)").matches ? "tap" : "select";
    }
    this.setMode(mode, false);
    for (const element of this.root.querySelectorAll(".widget-controls")) element.hidden = false;
    this.root.querySelector(".widget-fallback")?.remove();
  }

  setMode(mode, remember) {
    this.mode = mode;
    this.modeButton?.setAttribute("aria-pressed", String(mode === "tap"));
    for (const text of this.texts) text.el.classList.toggle("is-tap-mode", mode === "tap");
    if (remember) {
      try {
        localStorage.setItem(MODE_KEY, mode);
      } catch {
        // Not remembered, no harm.
      }
    }
    this.clear();
  }

  // Reading what the learner points at ---------------------------------------------------

  readSelection() {
    if (!this.root.isConnected) {
      document.removeEventListener("selectionchange", this.onSelectionChange);
      return;
    }
    if (this.mode !== "select") return;
    const selection = document.getSelection();
    if (!selection || !selection.rangeCount || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    const hits = [];
    for (const text of this.texts) {
      if (!range.intersectsNode(text.el)) continue;
      // A character counts when all of it lies inside the selection.
      const inside = text.nodes.filter((node) => {
        const chars = node.firstChild;
        return range.comparePoint(chars, 0) === 0 && range.comparePoint(chars, chars.length) === 0;
      });
      if (inside.length) hits.push({ text, inside });
    }
    if (!hits.length) return;
    if (hits.length > 1) {
      this.say(this.text("oneText"));
      return;
    }
    const { text, inside } = hits[0];
    let start = Number(inside[0].dataset.i);
    let end = Number(inside[inside.length - 1].dataset.i) + 1;
    // A double-click on a word takes the space after it too; entities never start or end so.
    while (start < end && /\s/u.test(text.chars[start])) start++;
    while (end > start && /\s/u.test(text.chars[end - 1])) end--;
    if (start >= end) return;
    const same = this.pending;
    if (same && same.text === text && same.start === start && same.end === end) return;
    this.choose(text, start, end);
  }

  onClick(event, text) {
    if (this.mode === "select") {
      const selection = document.getSelection();
      if (selection && !selection.isCollapsed) return; // a drag: readSelection has it
    }
    const target = event.target.closest(".span-ch, .span-tag");
    if (!target) return;
    if (target.dataset.span !== undefined) {
      this.selectSpan(Number(target.dataset.span));
      return;
    }
    if (!target.classList.contains("span-ch")) return;
    const i = Number(target.dataset.i);
    text.caret = i;
    text.anchor = null;
    if (this.mode === "tap") {
      this.tap(text, i);
    } else {
      this.clear();
    }
  }

  tap(text, i) {
    const first = this.tapStart;
    if (first && first.text === text) {
      this.tapStart = null;
      this.choose(text, Math.min(first.i, i), Math.max(first.i, i) + 1);
      return;
    }
    this.selected = null;
    this.tapStart = { text, i };
    this.pending = { text, start: i, end: i + 1 };
    this.paint();
    this.say(this.text("tapEnd", { text: text.chars[i] }));
  }

  choose(text, start, end) {
    this.selected = null;
    this.tapStart = null;
    if (this.overlaps(text, start, end) >= 0) {
      this.pending = null;
      this.paint();
      this.say(this.text("overlap"));
      return;
    }
    this.pending = { text, start, end };
    this.paint();
    this.say(this.text("selected", { text: this.slice(text, start, end) }));
  }

  onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    if (/^[1-9]$/.test(key) && Number(key) <= this.types.length) {
      this.applyType(Number(key) - 1);
      event.preventDefault();
      return;
    }
    if (key === "Escape") {
      this.clear();
      return;
    }
    const text = this.texts.find((t) => t.el === event.target);
    if (!text) return;
    text.el.classList.add("show-caret");
    if (key === "Delete" || key === "Backspace") {
      this.removeAtCaret(text, key === "Backspace");
      event.preventDefault();
      return;
    }
    const moves = { ArrowLeft: text.caret - 1, ArrowRight: text.caret + 1, Home: 0, End: text.chars.length };
    if (!(key in moves)) return;
    event.preventDefault();
    const to = Math.min(Math.max(moves[key], 0), text.chars.length);
    this.selected = null;
    this.tapStart = null;
    if (event.shiftKey) {
      if (text.anchor === null) text.anchor = text.caret;
      text.caret = to;
      const start = Math.min(text.anchor, to);
      const end = Math.max(text.anchor, to);
      this.pending = start < end ? { text, start, end } : null;
      this.paint();
      this.say(start < end ? this.text("selected", { text: this.slice(text, start, end) }) : "");
    } else {
      text.caret = to;
      text.anchor = null;
      this.pending = null;
      this.paint();
      this.say(to < text.chars.length ? this.text("caret", { text: text.chars[to] }) : this.text("caretEnd"));
    }
  }

  // Changes -----------------------------------------------------------------------------

  overlaps(text, start, end, except = -1) {
    return this.spans.findIndex(
      (s, i) => i !== except && s.text_id === text.id && s.start < end && start < s.end,
    );
  }

  applyType(index) {
    const type = this.types[index];
    if (type === undefined) return;
    if (this.pending) {
      this.mark(this.pending.text, this.pending.start, this.pending.end, type);
    } else if (this.selected !== null) {
      const span = this.spans[this.selected];
      span.type = type;
      this.commit(span, this.text("marked", this.describe(span)));
    } else {
      this.say(this.text(this.mode === "tap" ? "tapFirst" : "selectFirst"));
    }
  }

  mark(text, start, end, type) {
    let span = this.spans.find((s) => s.text_id === text.id && s.start === start && s.end === end);
    if (span) {
      span.type = type; // the same stretch again: a change of type
    } else if (this.overlaps(text, start, end) >= 0) {
      this.say(this.text("overlap"));
      return;
    } else {
      span = { text_id: text.id, start, end, type };
      this.spans.push(span);
    }
    text.caret = end;
    text.anchor = null;
    const selection = document.getSelection();
    if (selection?.rangeCount && this.root.contains(selection.anchorNode)) selection.removeAllRanges();
    this.commit(null, this.text("marked", this.describe(span)));
  }

  remove(index) {
    const span = this.spans[index];
    if (!span) return;
    this.spans.splice(index, 1);
    this.commit(null, this.text("removed", this.describe(span)));
  }

  removeAtCaret(text, backwards) {
    const c = text.caret;
    let index = this.spans.findIndex(
      (s) => s.text_id === text.id && (backwards ? s.start < c && c <= s.end : s.start <= c && c < s.end),
    );
    if (index < 0) index = this.selected ?? -1;
    if (index >= 0) this.remove(index);
  }

  commit(keep, message) {
    this.spans = this.sorted(this.spans);
    this.pending = null;
    this.tapStart = null;
    this.selected = keep ? this.spans.indexOf(keep) : null;
    if (this.input) {
      this.input.value = JSON.stringify(this.spans);
      this.input.dispatchEvent(new Event("input", { bubbles: true }));
    }
    this.build();
    this.renderControls();
    this.say(message);
  }

  selectSpan(index, fromList = false) {
    const span = this.spans[index];
    if (!span || this.readonly) return;
    this.selected = index;
    this.pending = null;
    this.tapStart = null;
    this.paint();
    this.renderControls();
    this.renderList();
    this.say(this.text("spanSelected", this.describe(span)));
    if (fromList) this.texts.find((t) => t.id === span.text_id)?.el.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  clear() {
    this.pending = null;
    this.tapStart = null;
    this.selected = null;
    this.paint();
    this.renderControls();
    this.renderList();
    this.say(this.text(this.mode === "tap" ? "tapFirst" : "selectFirst"));
  }

  describe(span) {
    const text = this.texts.find((t) => t.id === span.text_id);
    return { type: span.type, text: this.slice(text, span.start, span.end) };
  }

  slice(text, start, end) {
    return text.chars.slice(start, end).join("");
  }

  say(message) {
    if (this.message) this.message.textContent = message;
  }

  colour(type) {
    const index = this.types.indexOf(type);
    return index < 0 ? COLOURS - 1 : index % COLOURS;
  }

  // Drawing -----------------------------------------------------------------------------

  notes(text) {
    if (this.feedback) {
      return FEEDBACK_KINDS.flatMap((kind) =>
        (this.feedback[kind] || []).filter((s) => s.text_id === text.id).map((s) => ({ ...s, kind })),
      );
    }
    return this.spans.map((s, index) => ({ ...s, index })).filter((s) => s.text_id === text.id);
  }

  build() {
    for (const text of this.texts) {
      const notes = this.notes(text);
      const fragment = document.createDocumentFragment();
      text.nodes = text.chars.map((char, i) => {
        for (const note of notes) if (note.start === i) fragment.append(this.tag(note));
        const node = document.createElement("span");
        node.className = "span-ch";
        node.dataset.i = i;
        node.textContent = char;
        for (const note of notes) {
          if (i < note.start || i >= note.end) continue;
          if (note.kind) {
            node.classList.add(`fb-${note.kind}`);
          } else {
            node.classList.add("is-marked", `wc-${this.colour(note.type)}`);
            node.dataset.span = note.index;
          }
          if (i === note.start) node.classList.add("is-first");
          if (i === note.end - 1) node.classList.add("is-last");
        }
        fragment.append(node);
        return node;
      });
      text.el.replaceChildren(fragment);
    }
    this.paint();
    this.renderList();
  }

  tag(note) {
    const tag = document.createElement("span");
    tag.textContent = note.type;
    if (note.kind) {
      tag.className = `span-tag fb-${note.kind}`;
    } else {
      tag.className = `span-tag wc-${this.colour(note.type)}`;
      tag.dataset.span = note.index;
    }
    return tag;
  }

  paint() {
    const chosen = this.spans[this.selected];
    for (const text of this.texts) {
      const pending = this.pending?.text === text ? this.pending : null;
      const span = chosen?.text_id === text.id ? chosen : null;
      const last = text.chars.length - 1;
      text.nodes.forEach((node, i) => {
        node.classList.toggle("is-pending", !!pending && pending.start <= i && i < pending.end);
        node.classList.toggle("is-selected", !!span && span.start <= i && i < span.end);
        node.classList.toggle("is-tap-start", this.tapStart?.text === text && this.tapStart.i === i);
        node.classList.toggle("is-caret", text.caret === i);
        node.classList.toggle("is-caret-end", text.caret === last + 1 && i === last);
      });
      for (const tag of text.el.querySelectorAll(".span-tag[data-span]")) {
        tag.classList.toggle("is-selected", Number(tag.dataset.span) === this.selected);
      }
    }
  }

  renderControls() {
    const chosen = this.spans[this.selected];
    this.typeButtons.forEach((button, i) => {
      button.classList.add(`wc-${i % COLOURS}`);
      button.setAttribute("aria-pressed", String(!!chosen && chosen.type === this.types[i]));
    });
    // Shown only when there is something to remove: one row of buttons fits a phone.
    if (this.removeButton) this.removeButton.hidden = !chosen;
  }

  renderList() {
    if (!this.list) return;
    if (this.feedback) {
      this.list.hidden = true;
      return;
    }
    renderItemList(this.list, this.spans, {
      kind: "span",
      selected: this.selected,
      readonly: this.readonly,
      colour: (span) => this.colour(span.type),
      name: (span) => {
        const text = this.texts.find((t) => t.id === span.text_id);
        const where = this.texts.length > 1 ? `${this.text("textN", { n: text.n + 1 })} · ` : "";
        return `${where}${span.type} · ${this.slice(text, span.start, span.end)}`;
      },
      removeClass: "span-item-remove",
      removeText: this.text("remove"),
      removeLabel: (span) => this.text("removeSpan", this.describe(span)),
      emptyText: this.text("empty"),
      fallbackFocus: this.texts[0]?.el,
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



export const init = startWidgets(".span-widget", SpanWidget);
init();
