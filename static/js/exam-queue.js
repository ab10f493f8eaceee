// The exam's answers that have not reached the server yet: per item only the newest, kept in
// localStorage under the attempt's id, so a reload, a crash or a closed tab loses nothing.
// Each entry: {position, seq, fields: [[name, value], …], at, id, tab, lost}. `seq` is the
// sequence number the answer is to be sent with; `lost` means an earlier send with that seq
// got no answer (it may have reached the server).

const PREFIX = "aitrainer:exam:";
const FORGET_AFTER_MS = 2 * 24 * 3600 * 1000; // a paper is over within hours

let counter = 0;

export function newId() {
  counter += 1;
  return `${Date.now().toString(36)}-${counter}`;
}

export class PendingAnswers {
  constructor(attempt) {
    this.key = PREFIX + attempt;
    this.memory = {};
    this.stored = true; // false once localStorage refuses (private mode, quota): memory only
  }

  read() {
    if (!this.stored) return this.memory;
    try {
      const entries = JSON.parse(localStorage.getItem(this.key)) || {};
      return entries && typeof entries === "object" ? entries : {};
    } catch {
      return this.memory;
    }
  }

  write(entries) {
    this.memory = entries;
    if (!this.stored) return;
    try {
      if (Object.keys(entries).length) localStorage.setItem(this.key, JSON.stringify(entries));
      else localStorage.removeItem(this.key);
    } catch {
      this.stored = false;
    }
  }

  get(position) {
    return this.read()[position];
  }

  put(entry) {
    // Read, change, write at once: another tab of the same paper may have written meanwhile.
    const entries = this.read();
    entries[entry.position] = entry;
    this.write(entries);
  }

  update(position, id, changes) {
    const entries = this.read();
    if (entries[position]?.id !== id) return;
    Object.assign(entries[position], changes);
    this.write(entries);
  }

  // A send with `seq` may have reached the server. That holds for whichever answer now waits
  // to go with the same seq, also one changed while the send was on its way.
  markLost(position, seq) {
    const entries = this.read();
    if (entries[position]?.seq !== seq) return;
    entries[position].lost = true;
    this.write(entries);
  }

  remove(position, id) {
    const entries = this.read();
    if (entries[position]?.id !== id) return; // a newer answer came meanwhile: it stays
    delete entries[position];
    this.write(entries);
  }

  // Oldest first.
  all() {
    return Object.values(this.read()).sort((a, b) => a.at - b.at);
  }

  clear() {
    this.write({});
  }
}

// Answers left behind by papers long over (handed in from another device, say) help nobody.
export function forgetOldPapers(attempt) {
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (!key?.startsWith(PREFIX) || key === PREFIX + attempt) continue;
      const entries = Object.values(JSON.parse(localStorage.getItem(key)) || {});
      const fresh = entries.some((entry) => Date.now() - entry.at < FORGET_AFTER_MS);
      if (!fresh) localStorage.removeItem(key);
    }
  } catch {
    // Storage off or unreadable: nothing to tidy.
  }
}
