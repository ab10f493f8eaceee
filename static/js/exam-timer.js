// The exam's countdown. The deadline lives on the server: the page knows how many seconds
// were left when it (or the last save) was answered and counts down from there. The display
// is computed from performance.now() each time, never by counting ticks, because background
// tabs throttle timers.

const WARNINGS = [10, 5, 1]; // minutes
const SLEEP_SLACK = 2000; // ms

export function formatSeconds(total) {
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return hours ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

export class Countdown {
  constructor(element, remaining, { onWarning, onZero }) {
    this.element = element;
    this.onWarning = onWarning;
    this.onZero = onZero;
    this.deadline = performance.now() + remaining * 1000;
    this.warned = new Set();
    this.over = false;
    this.perf = performance.now();
    this.wall = Date.now();
    this.slept = false;
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.slept = true;
      else this.tick();
    });
    document.addEventListener("freeze", () => (this.slept = true));
    document.addEventListener("resume", () => this.tick());
    window.addEventListener("pageshow", () => this.tick());
    this.tick();
  }

  // A save response tells the seconds left when the server answered: somewhere between
  // sending and receiving, so the middle. Whole seconds: a smaller difference is rounding.
  sync(remaining, sentAt, receivedAt = performance.now()) {
    if (this.over || !Number.isFinite(remaining)) return;
    const deadline = (sentAt + receivedAt) / 2 + remaining * 1000;
    if (Math.abs(deadline - this.deadline) < 1000) return;
    this.deadline = deadline;
    this.tick();
  }

  secondsLeft() {
    return Math.max(0, Math.ceil((this.deadline - performance.now()) / 1000));
  }

  tick() {
    clearTimeout(this.handle);
    if (this.over) return;
    this.catchUpSleep();
    const ms = this.deadline - performance.now();
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    this.element.textContent = formatSeconds(seconds);
    this.element.classList.toggle("is-warning", seconds <= 600);
    this.element.classList.toggle("is-urgent", seconds <= 300);
    this.element.classList.toggle("is-final", seconds <= 60);
    // Once each; a page opened with 4 minutes left shows the 5-minute warning, not three.
    const due = WARNINGS.filter((m) => seconds <= m * 60 && !this.warned.has(m));
    if (due.length && seconds > 0) {
      for (const m of due) this.warned.add(m);
      this.onWarning(Math.min(...due));
    }
    if (ms <= 0) {
      this.over = true;
      this.onZero();
      return;
    }
    this.handle = setTimeout(() => this.tick(), (ms % 1000 || 1000) + 15);
  }

  // performance.now() stands still while a phone sleeps (Android, macOS): when the page was
  // hidden or frozen and the wall clock ran on further, the time slept counts too.
  catchUpSleep() {
    const perf = performance.now();
    const wall = Date.now();
    const slept = wall - this.wall - (perf - this.perf);
    if (this.slept && slept > SLEEP_SLACK) this.deadline -= slept;
    this.perf = perf;
    this.wall = wall;
    if (document.visibilityState === "visible") this.slept = false;
  }

  stop() {
    this.over = true;
    clearTimeout(this.handle);
  }
}
