// Active study time: a second counts while the page is visible and the learner touched,
// typed or scrolled within the last minute, so a phone left on the table adds nothing.

const IDLE_AFTER_MS = 60_000;

export function activeTimer() {
  let seconds = 0;
  let lastActivity = Date.now();
  const touch = () => {
    lastActivity = Date.now();
  };
  for (const type of ["pointerdown", "keydown", "scroll", "input", "touchstart"]) {
    window.addEventListener(type, touch, { passive: true, capture: true });
  }
  setInterval(() => {
    if (document.visibilityState === "visible" && Date.now() - lastActivity < IDLE_AFTER_MS) {
      seconds += 1;
    }
  }, 1000);
  return {
    take() {
      const taken = seconds;
      seconds = 0;
      return taken;
    },
  };
}
