// The editors of the question form (templates/question_bank/question_form.html).
//
// The task data textarea stays the one source of truth: the server checks only it, and an
// author may always write the JSON by hand. An editor reads the JSON, shows it in a form
// that suits the type (the right options ticked; the box and span widgets in author mode,
// drawing the gold boxes and spans) and writes every change back into it, leaving alone
// the keys it does not own. When the JSON is not valid it writes nothing and says so; it
// follows the JSON again once it is. Without JavaScript the page is the plain JSON form.
// Every string shown comes from the template (data-label-*), so it can be translated.

import { init as initBoxes } from "./box-widget.js";
import { init as initSpans } from "./span-widget.js";

const LETTERS = "ABCDEFGH";
const FOLLOW_PAUSE = 300; // ms after the last key in the JSON before the editor follows it

class TaskData {
  constructor(root) {
    this.root = root;
    this.field = document.getElementById(root.dataset.payloadField);
    this.message = root.querySelector(".editor-message");
  }

  // The payload as an object; {} while the field is empty (a new question), null when the
  // field holds something else than a JSON object.
  read() {
    const text = this.field.value.trim();
    if (!text) return {};
    try {
      const value = JSON.parse(text);
      return value && typeof value === "object" && !Array.isArray(value) ? value : null;
    } catch {
      return null;
    }
  }

  // Apply change(payload) and write the result; returns it, or null when the JSON could
  // not be read (then nothing is written).
  write(change) {
    const payload = this.read();
    if (!payload) {
      this.warn(true);
      return null;
    }
    change(payload);
    this.field.value = JSON.stringify(payload, null, 1);
    this.warn(false);
    return payload;
  }

  warn(on) {
    this.message.textContent = on ? this.root.dataset.labelInvalidJson : "";
    this.message.hidden = !on;
    if (on) this.field.closest("details")?.setAttribute("open", "");
  }
}

// Editors -----------------------------------------------------------------------------------

class TrueFalseEditor {
  constructor(root, data) {
    this.data = data;
    this.radios = [...root.querySelectorAll('[data-role="answer"]')];
    for (const radio of this.radios) {
      radio.addEventListener("change", () => this.data.write((p) => (p.answer = radio.value === "true")));
    }
  }

  follow(payload) {
    for (const radio of this.radios) radio.checked = String(payload.answer) === radio.value;
  }
}

class ChoiceEditor {
  constructor(root, data) {
    this.data = data;
    this.multiple = root.querySelector(".editor-answers").dataset.multiple === "true";
    this.optionsField = root.querySelector('[data-role="options"]');
    this.answers = root.querySelector('[data-role="answers"]');
    this.noOptions = root.querySelector('[data-role="no-options"]');
    this.partial = root.querySelector('[data-role="partial"]');
    this.optionsField.addEventListener("input", () => this.onOptions());
    this.answers.addEventListener("change", () => this.onAnswers());
    this.partial?.addEventListener("change", () => {
      this.data.write((p) => (p.partial_credit = this.partial.checked));
    });
  }

  options(payload) {
    return Array.isArray(payload.options) ? payload.options.map((o) => (typeof o === "string" ? o : JSON.stringify(o))) : [];
  }

  rights(payload) {
    const chosen = this.multiple ? payload.answers : [payload.answer];
    return Array.isArray(chosen) ? chosen.filter((i) => Number.isInteger(i)) : [];
  }

  follow(payload) {
    const options = this.options(payload);
    // While the author types the options, the half-written lines stay as they are.
    if (document.activeElement !== this.optionsField) this.optionsField.value = options.join("\n");
    this.renderAnswers(options, this.rights(payload));
    if (this.partial) this.partial.checked = payload.partial_credit === true;
  }

  onOptions() {
    const lines = this.optionsField.value
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const written = this.data.write((p) => {
      // A right option stays right when lines are added or moved around it.
      const rights = keepRights(this.rights(p), this.options(p), lines);
      p.options = lines;
      if (this.multiple) p.answers = rights;
      else if (rights.length) p.answer = rights[0];
      else delete p.answer;
    });
    if (written) this.renderAnswers(lines, this.rights(written));
  }

  onAnswers() {
    const chosen = [...this.answers.querySelectorAll("input:checked")].map((input) => Number(input.value));
    this.data.write((p) => {
      if (this.multiple) p.answers = chosen;
      else p.answer = chosen[0];
    });
  }

  renderAnswers(options, rights) {
    const type = this.multiple ? "checkbox" : "radio";
    this.answers.replaceChildren(
      ...options.map((option, i) => {
        const row = document.createElement("div");
        row.className = "form-check";
        const input = document.createElement("input");
        input.className = "form-check-input";
        input.type = type;
        input.id = `editor-answer-${i}`;
        input.value = i;
        input.checked = rights.includes(i);
        if (!this.multiple) {
          // Grouped in a form of their own, so the answer buttons are never posted.
          input.name = "editor-answer";
          input.setAttribute("form", "payload-editor-form");
        }
        const label = document.createElement("label");
        label.className = "form-check-label";
        label.htmlFor = input.id;
        label.textContent = `${LETTERS[i] ?? i + 1}. ${option}`;
        row.append(input, label);
        return row;
      }),
    );
    this.noOptions.hidden = options.length > 0;
  }
}

// A list of names (classes, entity types) typed as one line, separated by commas.
class NamesField {
  constructor(input, data, onWrite) {
    this.input = input;
    this.key = input.dataset.key;
    input.addEventListener("input", () => {
      const written = data.write((p) => (p[this.key] = splitNames(input.value)));
      if (written) onWrite(written);
    });
    // Enter in this field would post the form half-written.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
  }

  follow(payload) {
    if (document.activeElement !== this.input) this.input.value = names(payload[this.key]).join(", ");
  }
}

// A widget in author mode, built afresh from the JSON whenever what it shows changed there.
class WidgetEditor {
  constructor(root, data) {
    this.data = data;
    this.template = root.querySelector('template[data-role="widget"]');
    this.stage = root.querySelector('[data-role="stage"]');
    this.empty = root.querySelector('[data-role="empty"]');
    this.names = new NamesField(root.querySelector('[data-role="names"]'), data, (p) => this.follow(p));
    this.shown = null;
  }

  follow(payload) {
    this.names.follow(payload);
    if (this.fingerprint(payload) !== this.shown) this.show(payload);
  }

  show(payload) {
    this.shown = this.fingerprint(payload);
    const widget = this.build(payload);
    this.stage.replaceChildren(...(widget ? [widget] : []));
    this.empty.hidden = !!widget;
    if (!widget) return;
    const input = widget.querySelector("input.widget-value");
    input.addEventListener("input", () => {
      const written = this.data.write((p) => this.take(p, readJson(input.value) ?? []));
      // Not written (broken JSON): the widget is built afresh once the JSON is mended.
      this.shown = written && this.fingerprint(written);
    });
    this.start(widget);
  }

  clone() {
    return this.template.content.firstElementChild.cloneNode(true);
  }
}

class BoxEditor extends WidgetEditor {
  constructor(root, data) {
    super(root, data);
    this.picture = root.querySelector(".editor-picture");
    this.message = root.querySelector(".picture-message");
    this.fileInput = document.getElementById("id_image");
    this.local = null; // {src, width, height}: a picture chosen but not yet saved
    this.saved = null; // the width and height of the saved picture
    this.fileInput?.addEventListener("change", () => this.onFile());
    // A picture chosen before this script ran (on a slow line) is shown all the same.
    if (this.fileInput?.files.length) this.onFile();
  }

  follow(payload) {
    if (!this.saved && !this.local && isSide(payload.width) && isSide(payload.height)) {
      this.saved = { width: payload.width, height: payload.height };
    }
    super.follow(payload);
  }

  // A newly chosen picture is shown by onFile itself.
  fingerprint(p) {
    return JSON.stringify([p.image, p.width, p.height, p.classes, p.gold]);
  }

  build(p) {
    const classes = names(p.classes);
    const src = this.local?.src ?? (typeof p.image === "string" && p.image ? this.imageUrl(p.image) : null);
    const { width, height } = this.local ?? p;
    if (!src || !classes.length || !isSide(width) || !isSide(height)) return null;
    const widget = this.clone();
    Object.assign(widget.dataset, { width, height, classes: JSON.stringify(classes) });
    const group = widget.querySelector(".box-classes");
    classes.forEach((name, i) => group.append(choiceButton("box-class-btn", "class", name, i)));
    const svg = widget.querySelector(".box-surface");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const image = svg.querySelector("image");
    for (const [name, value] of Object.entries({ href: src, width, height })) image.setAttribute(name, value);
    widget.querySelector("input.widget-value").value = JSON.stringify(Array.isArray(p.gold) ? p.gold : []);
    return widget;
  }

  start(widget) {
    initBoxes(widget);
  }

  take(p, boxes) {
    p.gold = boxes;
  }

  imageUrl(sha1) {
    return this.picture.dataset.imageUrl.replace("/SHA1/", `/${encodeURIComponent(sha1)}/`);
  }

  say(name, values = {}) {
    const key = name && `label${name[0].toUpperCase()}${name.slice(1)}`;
    const text = name ? (this.picture.dataset[key] || "").replace(/\{(\w+)\}/g, (m, k) => values[k] ?? m) : "";
    this.message.textContent = text;
    this.message.hidden = !text;
    this.message.classList.toggle("text-danger", name.startsWith("image"));
  }

  // The chosen file is read as a data: URL (the page's policy allows data: pictures, not
  // blob: ones) to show it at once; the server checks it again and stores it on saving.
  onFile() {
    const file = this.fileInput.files[0];
    this.say("");
    const problem = file && this.problem(file);
    if (!file || problem) {
      this.forgetLocal();
      if (problem) this.say(problem);
      return;
    }
    const limits = this.picture.dataset;
    const reader = new FileReader();
    reader.addEventListener("load", () => {
      const image = new Image();
      image.addEventListener("load", () => {
        if (this.fileInput.files[0] !== file) return; // another file was chosen meanwhile
        const [width, height] = [image.naturalWidth, image.naturalHeight];
        if (width > Number(limits.maxSide) || height > Number(limits.maxSide)) {
          this.forgetLocal();
          this.say("imageSide", { w: width, h: height });
          return;
        }
        this.local = { src: reader.result, width, height };
        this.data.write((p) => Object.assign(p, { width, height }));
        this.say("local");
        this.show(this.data.read() ?? {});
      });
      image.addEventListener("error", () => this.say("imageUnreadable"));
      image.src = reader.result;
    });
    reader.addEventListener("error", () => this.say("imageUnreadable"));
    reader.readAsDataURL(file);
  }

  problem(file) {
    if (!["image/png", "image/jpeg", "image/webp"].includes(file.type)) return "imageType";
    if (file.size > Number(this.picture.dataset.maxBytes)) return "imageSize";
    return null;
  }

  // Back to the saved picture, and to its size in the task data.
  forgetLocal() {
    if (!this.local) return;
    this.local = null;
    if (this.saved) this.data.write((p) => Object.assign(p, this.saved));
    this.show(this.data.read() ?? {});
  }
}

class SpanEditor extends WidgetEditor {
  fingerprint(p) {
    return JSON.stringify([p.entity_types, this.texts(p).map((t) => [t.id, t.text, t.gold])]);
  }

  texts(p) {
    return Array.isArray(p.texts) ? p.texts.filter((t) => t && typeof t.id === "string" && typeof t.text === "string") : [];
  }

  build(p) {
    const types = names(p.entity_types);
    const texts = this.texts(p);
    if (!types.length || !texts.length) return null;
    const widget = this.clone();
    widget.dataset.texts = JSON.stringify(texts.map(({ id, text }) => ({ id, text })));
    widget.dataset.types = JSON.stringify(types);
    widget.querySelector('[data-role="texts"]').append(
      ...texts.map((t) => {
        const paragraph = document.createElement("p");
        paragraph.className = "span-text border rounded p-2";
        paragraph.dataset.textId = t.id;
        paragraph.setAttribute("aria-describedby", "author-span-help");
        paragraph.textContent = t.text;
        return paragraph;
      }),
    );
    const bar = widget.querySelector(".span-buttons");
    const remove = bar.querySelector(".span-remove-btn");
    types.forEach((name, i) => bar.insertBefore(choiceButton("span-type-btn", "type", name, i), remove));
    const spans = texts.flatMap((t) =>
      (Array.isArray(t.gold) ? t.gold : []).map((g) => ({ text_id: t.id, start: g?.start, end: g?.end, type: g?.type })),
    );
    widget.querySelector("input.widget-value").value = JSON.stringify(spans);
    return widget;
  }

  start(widget) {
    initSpans(widget);
  }

  take(p, spans) {
    for (const t of this.texts(p)) {
      const chars = Array.from(t.text);
      t.gold = spans
        .filter((s) => s.text_id === t.id)
        .map((s) => ({ start: s.start, end: s.end, type: s.type, text: chars.slice(s.start, s.end).join("") }));
    }
  }
}

// Helpers -----------------------------------------------------------------------------------

function keepRights(rights, before, after) {
  const kept = rights.map((i) => {
    const j = after.indexOf(before[i]);
    if (j >= 0 && after.indexOf(before[i], j + 1) < 0) return j;
    return i < after.length ? i : -1; // its text was edited: it keeps its place
  });
  return [...new Set(kept.filter((i) => i >= 0))].sort((a, b) => a - b);
}

function splitNames(text) {
  return [...new Set(text.split(/[,，、]/).map((name) => name.trim()).filter(Boolean))];
}

function names(value) {
  return Array.isArray(value) ? value.filter((name) => typeof name === "string" && name) : [];
}

function isSide(value) {
  return Number.isInteger(value) && value > 0;
}

function choiceButton(className, key, name, i) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = `btn ${className}`;
  button.dataset[key] = name;
  button.setAttribute("aria-pressed", "false");
  const swatch = document.createElement("span");
  swatch.className = "swatch";
  swatch.setAttribute("aria-hidden", "true");
  button.append(swatch, name);
  if (i < 9) {
    const hint = document.createElement("kbd");
    hint.className = "key-hint";
    hint.textContent = i + 1;
    button.append(" ", hint);
  }
  return button;
}

function readJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// Start -------------------------------------------------------------------------------------

const EDITORS = { true_false: TrueFalseEditor, choice: ChoiceEditor, boxes: BoxEditor, spans: SpanEditor };

function start(root) {
  const data = new TaskData(root);
  const editor = new EDITORS[root.dataset.editor](root, data);
  root.hidden = false;
  const details = data.field.closest("details");
  // The JSON folds away behind the editor, unless the server found a problem in it.
  if (details && !data.field.classList.contains("is-invalid")) details.open = false;

  const follow = () => {
    const payload = data.read();
    data.warn(!payload);
    if (payload) editor.follow(payload);
  };
  let timer = null;
  data.field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(follow, FOLLOW_PAUSE);
  });
  const payload = data.read();
  if (payload) editor.follow(payload);
  else data.warn(true);
}

const root = document.getElementById("payload-editor");
if (root && root.dataset.editor in EDITORS) start(root);
