// The practice page: answers go to the server with fetch and come back marked; an answer
// that cannot be sent (no connection) waits in localStorage and is sent when the connection
// returns. Without JavaScript the same form works as a plain POST.

import { activeTimer } from "./active-time.js";
import { sendQueued, queueAnswer } from "./answer-queue.js";

const root = document.querySelector(".practice");
const timer = activeTimer();

function label(name) {
  return root.dataset[`label${name}`] || "";
}

function showState(form, state, text) {
  const status = form?.querySelector(".save-state") || document.querySelector(".save-state");
  if (!status) return;
  status.textContent = text;
  status.className = `save-state small ${state}`;
}

function markSheet(position, correct) {
  const cell = document.querySelector(`.sheet-cell[data-position="${position}"]`);
  if (!cell) return;
  cell.classList.remove("answered", "right", "wrong");
  cell.classList.add(correct === undefined ? "answered" : correct ? "right" : "wrong");
}

async function submitAnswer(form) {
  form.elements.seconds.value = timer.take();
  const body = new FormData(form);
  showState(form, "saving", label("Saving"));
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    queueAnswer(form.action, body);
    showState(form, "pending", label("Pending"));
    return;
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    showState(form, "error", `${label("Error")}: ${data.error || response.status}`);
    return;
  }
  markSheet(data.position, data.marked ? data.correct : undefined);
  if (data.html) {
    const itemBody = document.getElementById("item-body");
    itemBody.innerHTML = data.html;
    itemBody.dispatchEvent(new CustomEvent("item:loaded", { bubbles: true }));
    document.querySelector("a[rel=next], .item-nav button")?.focus();
  } else {
    showState(form, "saved", label("Saved"));
  }
}

function debounce(fn, ms) {
  let handle;
  return (...args) => {
    clearTimeout(handle);
    handle = setTimeout(() => fn(...args), ms);
  };
}

const form = document.getElementById("answer-form");
if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitAnswer(form);
  });
  if (form.dataset.autosave) {
    // Marking at the end: every change is saved within a second or two.
    const save = debounce(() => submitAnswer(form), 1200);
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  }
}

// Time on an item the learner leaves without answering still counts as study time.
window.addEventListener("pagehide", () => {
  const seconds = timer.take();
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (seconds > 0 && token && root?.dataset.timeUrl) {
    const body = new FormData();
    body.append("seconds", seconds);
    body.append("csrfmiddlewaretoken", token.value);
    navigator.sendBeacon(root.dataset.timeUrl, body);
  }
});

// Keyboard shortcuts on desktop: 1–9 or A–H choose, Enter submits or goes on, ← → move.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing =
    target.closest("textarea, select, [contenteditable], .span-widget, .box-widget") ||
    (target.tagName === "INPUT" && !["radio", "checkbox"].includes(target.type));
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const options = [...document.querySelectorAll("#answer-form .answer-options input")];
  let index = -1;
  if (/^[1-9]$/.test(event.key)) index = Number(event.key) - 1;
  else if (/^[a-hA-H]$/.test(event.key)) index = event.key.toUpperCase().charCodeAt(0) - 65;
  if (index >= 0 && options[index]) {
    options[index].click();
    event.preventDefault();
  } else if (event.key === "Enter") {
    if (form && document.getElementById("answer-form")) form.requestSubmit();
    else document.querySelector("a[rel=next]")?.click();
    event.preventDefault();
  } else if (event.key === "ArrowRight") {
    document.querySelector("a[rel=next]")?.click();
  } else if (event.key === "ArrowLeft") {
    document.querySelector("a[rel=prev]")?.click();
  }
});

sendQueued();
