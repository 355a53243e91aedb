// @ts-check
// The time window: relations' spans in months, the two sliders, "all time", undated relations and "play".
import { state, store } from "./state.js";
import { $, element, monthOf, monthText } from "./util.js";

const playStepMs = 150;
const now = new Date();
const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();

/**
 * A relation's time as months: from its `at` or `start`, to its `end` (or `at`'s end; open when none).
 * @param {import("./state.js").Relation} r
 * @returns {import("./state.js").Months | null} null when the relation is undated
 */
export function span(r) {
  const begin = r.at ?? r.start;
  if (!begin) return null;
  const finish = r.end?.latest ?? r.at?.latest;
  return { from: monthOf(begin.earliest), to: finish ? monthOf(finish) : Number.POSITIVE_INFINITY };
}

/** The slider's range: from the earliest loaded date (or 2000) to this month. */
export function timeDomain() {
  let first = 2000 * 12;
  for (const r of store.relations.values()) {
    const s = span(r);
    if (s) first = Math.min(first, s.from);
  }
  if (state.window) first = Math.min(first, state.window.from);
  return { from: first, to: Math.max(thisMonth, state.window?.to ?? thisMonth) };
}

const from = () => element("from", HTMLInputElement);
const to = () => element("to", HTMLInputElement);
const undated = () => element("undated", HTMLSelectElement);

/** Sets the sliders, their labels and the undated choice from the state. */
export function refreshTimeControls() {
  const domain = timeDomain();
  for (const slider of [from(), to()]) {
    slider.min = String(domain.from);
    slider.max = String(domain.to);
  }
  from().value = String(state.window?.from ?? domain.from);
  to().value = String(state.window?.to ?? domain.to);
  $("from-label").textContent = state.window
    ? monthText(state.window.from)
    : `${monthText(domain.from)} (all)`;
  $("to-label").textContent = state.window ? monthText(state.window.to) : `${monthText(domain.to)} (all)`;
  undated().value = state.undated;
}

/**
 * Wires the time controls.
 * @param {{ redraw: () => Promise<unknown>, writeUrl: () => void }} hooks `redraw` draws the view again after
 *   the changes asked before it
 */
export function wireTimeControls({ redraw, writeUrl }) {
  /**
   * @param {number} first
   * @param {number} last
   */
  const setWindow = (first, last) => {
    const domain = timeDomain();
    state.window =
      first <= domain.from && last >= domain.to
        ? null
        : { from: Math.min(first, last), to: Math.max(first, last) };
    refreshTimeControls();
    writeUrl();
    return redraw();
  };

  for (const slider of [from(), to()]) {
    slider.addEventListener("input", () => {
      let [first, last] = [Number(from().value), Number(to().value)];
      if (first > last) [first, last] = slider.id === "from" ? [first, first] : [last, last];
      void setWindow(first, last);
    });
  }
  $("all-time").addEventListener("click", () => {
    stopPlaying();
    const domain = timeDomain();
    void setWindow(domain.from, domain.to);
  });
  undated().addEventListener("change", () => {
    state.undated = undated().value === "hide" ? "hide" : "grey";
    writeUrl();
    void redraw();
  });

  /** @type {ReturnType<typeof setInterval> | undefined} */
  let playing;
  function stopPlaying() {
    clearInterval(playing);
    playing = undefined;
    $("play").textContent = "▶ Play";
    $("play").setAttribute("aria-pressed", "false");
  }
  // Play moves the time window a month at a time (a year wide when it was all time) until this month.
  $("play").addEventListener("click", () => {
    if (playing) return stopPlaying();
    const domain = timeDomain();
    let window = state.window ?? { from: domain.from, to: domain.from + 11 };
    if (window.to >= domain.to) window = { from: domain.from, to: domain.from + (window.to - window.from) };
    void setWindow(window.from, window.to);
    $("play").textContent = "❚❚ Pause";
    $("play").setAttribute("aria-pressed", "true");
    playing = setInterval(() => {
      if (!state.window || state.window.to >= domain.to) return stopPlaying();
      void setWindow(state.window.from + 1, state.window.to + 1);
    }, playStepMs);
  });
}
