// Answers that could not reach the server wait here (localStorage survives a reload and a
// closed tab) and are sent again, oldest first, as soon as the connection is back.

const KEY = "aitrainer:answer-queue";

function load() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || [];
  } catch {
    return [];
  }
}

function store(queue) {
  localStorage.setItem(KEY, JSON.stringify(queue));
}

export function queueAnswer(url, formData) {
  const queue = load().filter((entry) => entry.url !== url); // the newest answer wins
  queue.push({ url, fields: [...formData.entries()], at: Date.now() });
  store(queue);
}

export function pendingCount() {
  return load().length;
}

let sending = false;

export async function sendQueued() {
  if (sending || !navigator.onLine) return;
  sending = true;
  try {
    for (const entry of load()) {
      const body = new FormData();
      for (const [name, value] of entry.fields) body.append(name, value);
      let response;
      try {
        response = await fetch(entry.url, {
          method: "POST",
          body,
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
      } catch {
        return; // still offline: try again later
      }
      // Sent, or refused for good (e.g. marked already): either way it leaves the queue.
      store(load().filter((queued) => queued.url !== entry.url || queued.at !== entry.at));
      if (response.ok) document.dispatchEvent(new CustomEvent("answer:sent", { detail: entry }));
    }
  } finally {
    sending = false;
  }
}

window.addEventListener("online", sendQueued);
setInterval(sendQueued, 15000);
