// @ts-check
// The filters: which of the fetched actors and relations are drawn, the checkboxes that choose them (kinds, with
// their colours as the legend; relation types under their families), and the count of what each filter hides.
import { drawn, found, kindColour, state, store } from "./state.js";
import { span } from "./time.js";
import { $, element, escapeHtml, words } from "./util.js";

/**
 * What the filters let through of what was fetched. Relations on a found path are always drawn.
 * @returns {import("./state.js").View}
 */
export function visibleGraph() {
  const hidden = { kind: 0, type: 0, time: 0, undated: 0, isolated: 0, actorsByKind: 0 };
  const relations = [];
  /** @type {Set<string>} */
  const undated = new Set();
  for (const r of store.relations.values()) {
    if (found.relations.has(r.key)) {
      relations.push(r);
      continue;
    }
    if (!state.all && !state.shown.has(r.from) && !state.shown.has(r.to) && !found.cited.has(r.key)) continue;
    const ends = [store.actors.get(r.from), store.actors.get(r.to)];
    const kinds = state.kinds;
    if (kinds && ends.some((a) => !kinds.has(a?.kind ?? ""))) {
      hidden.kind += 1;
      continue;
    }
    if (state.types && !state.types.has(r.type)) {
      hidden.type += 1;
      continue;
    }
    if (state.window) {
      const s = span(r);
      if (!s) {
        if (state.undated === "hide") {
          hidden.undated += 1;
          continue;
        }
        undated.add(r.key);
      } else if (s.from > state.window.to || s.to < state.window.from) {
        hidden.time += 1;
        continue;
      }
    }
    relations.push(r);
  }
  /** @type {Map<string, number>} */
  const degree = new Map();
  for (const r of relations) {
    degree.set(r.from, (degree.get(r.from) ?? 0) + 1);
    degree.set(r.to, (degree.get(r.to) ?? 0) + 1);
  }
  const candidates = state.all ? [...store.actors.keys()] : [...new Set([...state.shown, ...degree.keys()])];
  const actors = [];
  for (const key of candidates) {
    const actor = store.actors.get(key);
    if (!actor) continue;
    if (!degree.has(key)) {
      if (state.kinds && !state.kinds.has(actor.kind)) {
        hidden.actorsByKind += 1;
        continue;
      }
      if (state.hideIsolated && !(state.path && (key === state.path.from || key === state.path.to))) {
        hidden.isolated += 1;
        continue;
      }
    }
    actors.push(actor);
  }
  return { actors, relations, degree, undated, hidden };
}

/** The count of what each filter hides, under the filters. */
export function showHidden() {
  const h = drawn.view.hidden;
  const parts = [
    h.type && `${h.type} relation(s) of unticked types`,
    h.kind && `${h.kind} relation(s) touching unticked kinds`,
    h.time && `${h.time} dated relation(s) outside the time window`,
    h.undated && `${h.undated} undated relation(s)`,
    h.actorsByKind && `${h.actorsByKind} actor(s) of unticked kinds`,
    h.isolated && `${h.isolated} actor(s) left without a drawn relation`,
  ].filter(Boolean);
  $("hidden").textContent = parts.length
    ? `Hidden by the filters: ${parts.join("; ")}.`
    : "The filters hide nothing.";
  $("time-note").textContent = state.window
    ? state.undated === "hide"
      ? `${h.undated} undated relation(s) hidden: the sources do not place them in time.`
      : `${drawn.view.undated.size} undated relation(s) shown greyed: the sources do not place them in time.`
    : "All time: dated and undated relations alike.";
}

/**
 * @param {ParentNode} parent
 * @param {string} selector
 */
const inputs = (parent, selector) =>
  [...parent.querySelectorAll(selector)].filter((e) => e instanceof HTMLInputElement);

/**
 * Checkboxes: one per kind (with its colour: the legend) and one per type, under the vocabulary's families (a
 * type in none of them under "other").
 * @param {Awaited<ReturnType<typeof import("./api.js").loadStats>>} stats
 * @param {{ redraw: () => void, writeUrl: () => void }} hooks `redraw` lays the view out again
 */
export function buildFilters({ actorsByKind, relationsByType }, { redraw, writeUrl }) {
  for (const { key, count } of actorsByKind) {
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" value="${escapeHtml(key)}"><span class="swatch" style="--colour:${escapeHtml(kindColour(key))}"></span>${words(key)} <span class="count">(${count})</span>`;
    $("kinds").append(label);
  }
  store.allTypes = relationsByType.map((t) => t.key);
  const counts = new Map(relationsByType.map((t) => [t.key, t.count]));
  /** @type {[string, string[]][]} */
  const families = store.families.map(({ name, types }) => [name, types.filter((t) => counts.has(t))]);
  const known = new Set(families.flatMap(([, types]) => types));
  families.push(["other", store.allTypes.filter((t) => !known.has(t))]);
  for (const [name, types] of families) {
    if (types.length === 0) continue;
    const family = document.createElement("div");
    family.className = "family";
    family.innerHTML = `<label><input type="checkbox" data-family="${escapeHtml(name)}"> ${escapeHtml(name)}</label><div class="members">${types
      .map(
        (t) =>
          `<label><input type="checkbox" value="${escapeHtml(t)}"> ${words(t)} <span class="count">(${counts.get(t)})</span></label>`,
      )
      .join("")}</div>`;
    $("types").append(family);
  }

  /** @param {string[]} ticked */
  const setTypes = (ticked) => {
    state.types = ticked.length === store.allTypes.length ? null : new Set(ticked);
    syncFilterBoxes();
    writeUrl();
    redraw();
  };
  $("kinds").addEventListener("change", () => {
    const ticked = inputs($("kinds"), "input:checked").map((i) => i.value);
    state.kinds = ticked.length === actorsByKind.length ? null : new Set(ticked);
    writeUrl();
    redraw();
  });
  $("types").addEventListener("change", (event) => {
    const box = event.target;
    if (box instanceof HTMLInputElement && box.dataset.family) {
      for (const member of inputs(box.closest(".family") ?? box, ".members input"))
        member.checked = box.checked;
    }
    setTypes(inputs($("types"), ".members input:checked").map((i) => i.value));
  });
  $("types-all").addEventListener("click", () => setTypes(store.allTypes));
  $("types-none").addEventListener("click", () => setTypes([]));
}

/** Ticks the filters' boxes, and sets the view's controls, as the state says. */
export function syncFilterBoxes() {
  for (const box of inputs($("kinds"), "input")) box.checked = !state.kinds || state.kinds.has(box.value);
  for (const box of inputs($("types"), ".members input")) {
    box.checked = !state.types || state.types.has(box.value);
  }
  for (const family of $("types").querySelectorAll(".family")) {
    const members = inputs(family, ".members input");
    const [head] = inputs(family, "[data-family]");
    if (!head) continue;
    head.checked = members.every((m) => m.checked);
    head.indeterminate = !head.checked && members.some((m) => m.checked);
  }
  element("isolated", HTMLInputElement).checked = state.hideIsolated;
  element("layout", HTMLSelectElement).value = state.layout;
}
