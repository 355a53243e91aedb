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

/** Least width of a slider step, in CSS pixels: what a finger can pick. */
export const minStepPx = 8;

/** @param {"from" | "to"} end */
const slider = (end) => element(end, HTMLInputElement);
/** @param {"from" | "to"} end */
const monthField = (end) => element(`${end}-month`, HTMLInputElement);
const undated = () => element("undated", HTMLSelectElement);

/**
 * The months a slider stops at: the ends of the domain, the months the window is at, and the months when a
 * loaded relation begins or ends (where the drawing can change), thinned evenly when the slider is too narrow
 * to give each `minStepPx`. Months between them are a step of ‹ or ›, or typed, away.
 * @returns {number[]} ascending
 */
export function sliderStops() {
  const domain = timeDomain();
  /** @type {Set<number>} */
  const changes = new Set();
  for (const r of store.relations.values()) {
    const s = span(r);
    if (!s) continue;
    changes.add(s.from);
    if (Number.isFinite(s.to)) changes.add(s.to);
  }
  const kept = [domain.from, domain.to, ...(state.window ? [state.window.from, state.window.to] : [])];
  const inside = [...changes].filter((m) => m > domain.from && m < domain.to && !kept.includes(m));
  const width = slider("from").getBoundingClientRect().width || 240;
  const room = Math.max(0, Math.floor(width / minStepPx) - kept.length);
  const sorted = inside.sort((a, b) => a - b);
  // Evenly spread picks when there are more changes than room.
  const thinned =
    sorted.length <= room
      ? sorted
      : Array.from(
          { length: room },
          (_, k) => sorted[Math.round((k * (sorted.length - 1)) / Math.max(1, room - 1))] ?? 0,
        );
  return [...new Set([...kept, ...thinned])].sort((a, b) => a - b);
}

/** The stops the sliders show, as set by `refreshTimeControls`. @type {number[]} */
let stops = [];

/** Sets the sliders, month fields and the undated choice from the state. */
export function refreshTimeControls() {
  const domain = timeDomain();
  stops = sliderStops();
  const window = state.window ?? domain;
  for (const end of /** @type {const} */ (["from", "to"])) {
    const month = window[end];
    slider(end).max = String(stops.length - 1);
    slider(end).value = String(Math.max(0, stops.indexOf(month)));
    slider(end).setAttribute("aria-valuetext", monthText(month));
    monthField(end).value = monthText(month);
    monthField(end).min = monthText(domain.from);
    monthField(end).max = monthText(domain.to);
  }
  undated().value = state.undated;
}

/**
 * Wires the time controls.
 * @param {{ redraw: () => Promise<unknown>, writeUrl: () => void }} hooks `redraw` draws the view again after
 *   the changes asked before it
 */
export function wireTimeControls({ redraw, writeUrl }) {
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let playing;
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
  /**
   * Moves one end of the window to `month` (kept within the domain); the other end follows when crossed.
   * @param {"from" | "to"} end
   * @param {number} month
   */
  const moveEnd = (end, month) => {
    const domain = timeDomain();
    const window = state.window ?? domain;
    const m = Math.min(Math.max(month, domain.from), domain.to);
    const [first, last] = end === "from" ? [m, Math.max(m, window.to)] : [Math.min(m, window.from), m];
    return setWindow(first, last);
  };

  for (const end of /** @type {const} */ (["from", "to"])) {
    slider(end).addEventListener("input", () => {
      const month = stops[Number(slider(end).value)];
      if (month !== undefined) void moveEnd(end, month);
    });
    monthField(end).addEventListener("change", () => {
      const value = monthField(end).value;
      if (/^\d{4}-\d{2}$/.test(value)) void moveEnd(end, monthOf(`${value}-01`));
      else refreshTimeControls();
    });
    for (const [direction, step] of /** @type {const} */ ([
      ["earlier", -1],
      ["later", 1],
    ])) {
      $(`${end}-${direction}`).addEventListener("click", () => {
        stopPlaying();
        void moveEnd(end, (state.window ?? timeDomain())[end] + step);
      });
    }
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
