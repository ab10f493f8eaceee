// The timed mock-exam page (exams/attempt.html). Without JavaScript it is one long page of
// forms, each posting its item to the save URL. Here: one item at a time, every change saved
// within a second, answers that cannot reach the server kept in localStorage and sent again
// until they do, and a countdown that hands the paper in at zero. The server owns the
// deadline and the answers; `seq` numbers each item's saves so an older answer never
// overwrites a newer one from another tab. Every text shown comes from data-label-*.

import { hasAnswer, readFields, restoreFields, sameAnswer } from "./exam-form.js";
import { forgetOldPapers, newId, PendingAnswers } from "./exam-queue.js";
import { Countdown } from "./exam-timer.js";

const DEBOUNCE_MS = 800;
const TIMEOUT_MS = 10_000;
const RETRY_MS = 5_000;
const FLUSH_AT_ZERO_MS = 3_000;
const GRACE_MARGIN_S = 5;
const TAB = Math.random().toString(36).slice(2); // which entries of the queue this page sends

const root = document.querySelector(".exam[data-attempt]");
const queue = new PendingAnswers(root?.dataset.attempt);
const items = [];
const byPosition = new Map();
let current = null;
let countdown = null;
let closed = false; // the server takes no more answers
let ending = false; // time is up: handing in
let leaving = false; // going away on purpose: no "unsaved" warning
let lastFailure = null; // "network" or "server"
let everSaved = false;
let alertTimer;

function label(name) {
  return root.getAttribute(`data-label-${name}`) || "";
}

function itemLabel(item) {
  return label("item").replace(/%\(n\)s|\{n\}/g, String(item.position + 1));
}

function showAlert(text, { sticky = false, kind = "info", item = null } = {}) {
  const alert = root.querySelector(".exam-alert");
  if (!alert || !text) return;
  clearTimeout(alertTimer);
  if (item) {
    // About an item maybe not on screen: say which one.
    const name = document.createElement("strong");
    name.textContent = itemLabel(item);
    alert.replaceChildren(name, " ", text);
  } else {
    alert.textContent = text;
  }
  alert.dataset.kind = kind;
  alert.hidden = false;
  if (!sticky) alertTimer = setTimeout(() => (alert.hidden = true), 10_000);
}

class Item {
  constructor(section) {
    this.section = section;
    this.form = section.querySelector("form.exam-form");
    this.position = Number(section.dataset.position);
    this.seq = Number(section.dataset.seq) || 0; // the server's answer the next save builds on
    this.cell = root.querySelector(`.sheet-cell[data-position="${this.position}"]`);
    this.flag = this.form.querySelector(".flag-toggle");
    this.timer = null; // debounce
    this.running = null; // the send loop, at most one per item
    this.failed = false; // the last send did not get through
    this.problem = null; // "conflict" or "error": the server refused the answer
    this.syncFlag();
  }

  get flagged() {
    return this.form.elements.flagged?.value === "1";
  }

  ownEntry() {
    const entry = queue.get(this.position);
    return entry?.tab === TAB ? entry : null;
  }

  unsaved() {
    return Boolean(this.timer || this.running || this.ownEntry());
  }

  // Every change goes to the queue at once (a phone may drop the page any moment) and to
  // the server after a short pause.
  changed(delay = DEBOUNCE_MS) {
    if (closed || ending) return;
    const seq = this.seq + 1;
    const previous = this.ownEntry();
    queue.put({
      position: this.position,
      seq,
      fields: readFields(this.form),
      at: Date.now(),
      id: newId(),
      tab: TAB,
      lost: Boolean(previous?.lost && previous.seq === seq),
    });
    this.paint();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), delay);
    render();
  }

  flush(options) {
    clearTimeout(this.timer);
    this.timer = null;
    if (!this.running) {
      this.running = this.drain(options).finally(() => {
        this.running = null;
        this.paint();
        render();
      });
    }
    return this.running;
  }

  // Sends the newest queued answer; one changed meanwhile goes right after.
  async drain(options) {
    let outcome = "sent";
    let entry;
    while (outcome === "sent" && !closed && (entry = this.ownEntry())) {
      outcome = await this.send(entry, options);
    }
    return outcome;
  }

  async send(entry, { keepalive = false } = {}) {
    const seq = this.seq + 1;
    queue.update(this.position, entry.id, { seq });
    if (keepalive) queue.markLost(this.position, seq); // its reply may never be read
    const sentAt = performance.now();
    const { status, data } = await post(this.body(entry, seq), keepalive);
    if (closed) return "closed";
    if (status === 200 && data?.saved) {
      this.seq = Number(data.seq) || seq;
      this.section.dataset.seq = this.seq;
      queue.remove(this.position, entry.id);
      this.failed = false;
      this.problem = null;
      this.say("");
      everSaved = true;
      lastFailure = null;
      countdown?.sync(Number(data.remaining), sentAt);
      return "sent";
    }
    if (status === 409 && data?.conflict) {
      if (entry.lost && Number(data.seq) === seq) {
        // An earlier send of this very seq got through after all, its reply lost on the way:
        // the server holds our own older answer, so build on it.
        this.seq = seq;
        queue.update(this.position, entry.id, { lost: false });
        return "sent";
      }
      queue.remove(this.position, entry.id); // the newer answer elsewhere wins
      this.refused("conflict", label("conflict"));
      return "conflict";
    }
    if (status === 410 && data?.closed) {
      close(data);
      return "closed";
    }
    if (status === 400 && data?.error) {
      queue.remove(this.position, entry.id);
      this.refused("error", data.error);
      return "error";
    }
    // No reply, a server error, a login page: keep the answer and try again. A send that
    // may have reached the server is marked so its 409 is recognised as our own.
    if ((status === 0 && navigator.onLine) || status >= 500) queue.markLost(this.position, seq);
    this.failed = true;
    lastFailure = status === 0 ? "network" : "server";
    return status === 0 ? "offline" : "failed";
  }

  body(entry, seq) {
    const body = new FormData();
    for (const [name, value] of entry.fields) body.append(name, value);
    body.set("seq", seq);
    // The page's own token: one stored by an earlier page may be stale after a new login.
    const token = this.form.elements.csrfmiddlewaretoken?.value;
    if (token) body.set("csrfmiddlewaretoken", token);
    return body;
  }

  refused(problem, text) {
    this.failed = false;
    this.problem = problem;
    this.say(text);
    showAlert(text, { sticky: problem === "conflict", kind: problem, item: this });
  }

  say(text) {
    let message = this.section.querySelector(".exam-item-message");
    if (!message && !text) return;
    if (!message) {
      message = document.createElement("p");
      message.className = "exam-item-message"; // the alert announces it already
      this.form.after(message);
    }
    message.textContent = text;
    message.hidden = !text;
    message.dataset.kind = this.problem || "";
  }

  syncFlag() {
    this.flag?.setAttribute("aria-pressed", String(this.flagged));
  }

  paint() {
    this.syncFlag();
    if (!this.cell) return;
    this.cell.classList.toggle("answered", hasAnswer(readFields(this.form)));
    this.cell.classList.toggle("flagged", this.flagged);
    this.cell.classList.toggle("unsaved", Boolean(this.ownEntry()));
    this.cell.classList.toggle("refused", Boolean(this.problem));
  }

  toggleFlag() {
    const input = this.form.elements.flagged;
    if (!input || closed || ending) return;
    input.value = this.flagged ? "0" : "1";
    this.changed(0);
  }
}

async function post(body, keepalive) {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(root.dataset.saveUrl, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller.signal,
      keepalive,
    });
    const data = await response.json().catch(() => null);
    return { status: response.status, data };
  } catch {
    return { status: 0, data: null };
  } finally {
    clearTimeout(timeout);
  }
}

function unsaved() {
  return items.some((item) => item.unsaved());
}

function render() {
  const status = root.querySelector(".exam-save-state");
  let state = "";
  if (closed) state = "closed";
  else if (items.some((item) => item.problem === "conflict")) state = "conflict";
  else if (!navigator.onLine) state = "offline";
  else if (items.some((item) => item.failed && item.ownEntry())) {
    state = lastFailure === "network" ? "offline" : "pending";
  } else if (unsaved()) state = "saving";
  else if (everSaved) state = "saved";
  root.classList.toggle("is-offline", state === "offline");
  if (!status || status.dataset.state === state) return;
  status.dataset.state = state;
  status.textContent = state ? label(state) : "";
}

// Saving ------------------------------------------------------------------------------

let retrying = false;

async function retryAll() {
  if (retrying || closed) return;
  retrying = true;
  try {
    for (const entry of queue.all()) {
      const item = entry.tab === TAB && byPosition.get(entry.position);
      if (!item || closed) continue;
      if ((await item.flush()) === "offline") break; // no connection: the others can wait too
    }
  } finally {
    retrying = false;
    render();
  }
}

function flushAll(options) {
  return Promise.all(items.filter((item) => item.unsaved()).map((item) => item.flush(options)));
}

function within(promise, ms) {
  return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms))]);
}

// After a reload (perhaps offline, perhaps in a new tab) the learner sees their latest
// answers, not the server's older ones, and they are sent again.
function restoreQueued() {
  for (const entry of queue.all()) {
    const item = byPosition.get(Number(entry.position));
    if (!item || !Array.isArray(entry.fields) || !Number.isInteger(entry.seq)) {
      queue.remove(entry.position, entry.id);
      continue;
    }
    if (sameAnswer(entry.fields, readFields(item.form))) {
      queue.remove(entry.position, entry.id); // it got through before the page was left
      continue;
    }
    restoreFields(item.form, entry.fields);
    // The answer builds on the seq before its own; if the server is at its very seq and a
    // send of it went unanswered, that was ours. A newer one from elsewhere gets its 409.
    if (!(entry.lost && entry.seq === item.seq)) item.seq = Math.min(item.seq, entry.seq - 1);
    queue.put({ ...entry, tab: TAB });
    item.paint();
  }
}

// Time --------------------------------------------------------------------------------

function freeze() {
  root.classList.add("is-over");
  for (const item of items) {
    clearTimeout(item.timer);
    item.timer = null;
    item.section.inert = true;
  }
}

async function timeUp() {
  if (closed || ending) return;
  showAlert(label("time-up"), { sticky: true, kind: "time-up" });
  ending = true;
  freeze();
  await within(flushAll(), FLUSH_AT_ZERO_MS);
  // The server still takes answers during the grace period: one that could not be sent yet
  // is worth waiting for, until the grace is nearly over.
  const grace = Number(root.dataset.grace) || 0;
  const until = performance.now() + Math.max(0, grace - GRACE_MARGIN_S) * 1000;
  while (!closed && unsaved() && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await within(retryAll(), FLUSH_AT_ZERO_MS);
  }
  handIn();
}

function handIn() {
  if (closed) return;
  if (!navigator.onLine) {
    // Posting now would only show the browser's error page.
    window.addEventListener("online", handIn, { once: true });
    return;
  }
  const form = document.getElementById("exam-submit-form");
  if (!form) return;
  leaving = true;
  form.submit();
}

function close(data) {
  if (closed) return;
  closed = true;
  queue.clear();
  countdown?.stop();
  freeze();
  showAlert(label("closed"), { sticky: true, kind: "closed" });
  render();
  if (data?.result_url) {
    leaving = true;
    location.href = data.result_url;
  }
}

// Moving around -----------------------------------------------------------------------

function itemFor(hash) {
  if (!hash || hash.length < 2) return null;
  let id;
  try {
    id = decodeURIComponent(hash.slice(1));
  } catch {
    return null;
  }
  return items.find((item) => item.section.id === id) || null;
}

function show(item, { focus = true } = {}) {
  if (!item) return;
  current = item;
  for (const other of items) {
    const shown = other === item;
    other.section.classList.toggle("is-current", shown);
    other.cell?.classList.toggle("current", shown);
    if (shown) other.cell?.setAttribute("aria-current", "step");
    else other.cell?.removeAttribute("aria-current");
  }
  const hash = `#${item.section.id}`;
  if (location.hash !== hash) history.replaceState(history.state, "", hash);
  if (focus) {
    // Keyboard and screen-reader users go on from the new item. (Made focusable only now:
    // at load Chrome would focus the item named by the URL's #fragment.)
    item.section.tabIndex = -1;
    item.section.focus({ preventScroll: true });
  }
  // After "next" at the foot of a long item, the new one starts above the screen.
  const top = item.section.getBoundingClientRect().top;
  const barBottom = root.querySelector(".exam-bar")?.getBoundingClientRect().bottom ?? 0;
  if (top < barBottom || top > window.innerHeight) item.section.scrollIntoView({ block: "start" });
}

function step(delta) {
  const next = items[items.indexOf(current) + delta];
  if (next) show(next);
}

function sheet() {
  return root.querySelector(".exam-sheet");
}

function toggleSheet(open) {
  const panel = sheet();
  const button = root.querySelector(".exam-sheet-toggle");
  if (!panel) return;
  panel.classList.toggle("is-open", open);
  button?.setAttribute("aria-expanded", String(open));
}

function onClick(event) {
  const link = event.target.closest("a[href^='#']");
  const target = link && itemFor(link.getAttribute("href"));
  if (target) {
    event.preventDefault();
    toggleSheet(false);
    show(target);
    return;
  }
  const flag = event.target.closest(".flag-toggle");
  if (flag) {
    items.find((item) => item.flag === flag)?.toggleFlag();
    return;
  }
  if (event.target.closest(".exam-sheet-toggle")) {
    toggleSheet(!sheet()?.classList.contains("is-open"));
    return;
  }
  const finish = event.target.closest(".exam-finish");
  if (finish && unsaved() && !closed) {
    // Hand in only what the server has: try the waiting answers first.
    event.preventDefault();
    within(flushAll(), FLUSH_AT_ZERO_MS).then(() => {
      location.href = finish.href; // beforeunload still warns if some did not get through
    });
  }
}

// 1–9 or A–H choose an option of the shown item, ← → move; not while typing, nor inside the
// box and span widgets, which have keys of their own.
function onKey(event) {
  if (event.key === "Escape" && sheet()?.classList.contains("is-open")) {
    toggleSheet(false);
    root.querySelector(".exam-sheet-toggle")?.focus();
    return;
  }
  if (!current || closed || ending || event.defaultPrevented) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target instanceof Element ? event.target : document.body;
  const typing =
    target.closest("textarea, select, [contenteditable], .span-widget, .box-widget") ||
    (target.tagName === "INPUT" && !["radio", "checkbox"].includes(target.type));
  if (typing) return;
  let index = -1;
  if (/^[1-9]$/.test(event.key)) index = Number(event.key) - 1;
  else if (/^[a-h]$/i.test(event.key)) index = event.key.toUpperCase().charCodeAt(0) - 65;
  if (index >= 0) {
    const option = current.section.querySelectorAll(".answer-options input")[index];
    if (option && !option.disabled) {
      option.click();
      event.preventDefault();
    }
  } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
    step(event.key === "ArrowRight" ? 1 : -1);
    event.preventDefault(); // a focused radio would change its choice too
  }
}

// Start -------------------------------------------------------------------------------

function start() {
  for (const section of root.querySelectorAll(".exam-item")) {
    if (!section.querySelector("form.exam-form")) continue;
    const item = new Item(section);
    items.push(item);
    byPosition.set(item.position, item);
  }
  root.classList.add("is-enhanced");
  forgetOldPapers(root.dataset.attempt);
  restoreQueued();

  for (const item of items) {
    // The page saves by itself: a press of Enter in a text field must not post the form.
    item.form.addEventListener("submit", (event) => {
      event.preventDefault();
      item.changed(0);
    });
    item.form.addEventListener("input", () => item.changed());
    item.form.addEventListener("change", () => item.changed());
  }
  root.addEventListener("click", onClick);
  document.addEventListener("keydown", onKey);

  const panel = sheet();
  const toggle = root.querySelector(".exam-sheet-toggle");
  if (panel && toggle) {
    panel.id ||= "exam-sheet";
    toggle.setAttribute("aria-controls", panel.id);
    toggle.setAttribute("aria-expanded", "false");
  }
  const bar = root.querySelector(".exam-bar");
  if (bar && "ResizeObserver" in window) {
    const measure = () => root.style.setProperty("--exam-bar-height", `${bar.offsetHeight}px`);
    new ResizeObserver(measure).observe(bar);
  }

  show(itemFor(location.hash) || items[0], { focus: false });
  window.addEventListener("hashchange", () => show(itemFor(location.hash)));

  const timer = root.querySelector(".exam-timer");
  const remaining = Number.parseFloat(root.dataset.remaining);
  if (timer && Number.isFinite(remaining)) {
    countdown = new Countdown(timer, remaining, {
      onWarning: (minutes) => {
        if (!ending && !closed) showAlert(label(`warn-${minutes}`), { kind: "warning" });
      },
      onZero: timeUp,
    });
  }

  window.addEventListener("online", () => {
    render();
    retryAll();
  });
  window.addEventListener("offline", render);
  setInterval(retryAll, RETRY_MS);
  // A hidden page may never come back (a phone drops it, a tab is closed near the end):
  // send now, with requests that outlive the page.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flushAll({ keepalive: true });
    else retryAll();
  });
  window.addEventListener("pagehide", () => flushAll({ keepalive: true }));
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) retryAll();
  });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || closed || !unsaved()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  render();
  retryAll();
}

if (root) start();
