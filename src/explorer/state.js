// @ts-check
// What was fetched (`store`), the view's state (`state`: everything in it is written to the address bar), the
// paths found and what is drawn. These are the explorer's only shared mutable values; the other modules import
// them from here.
import { element, monthOf, monthText } from "./util.js";

/** @typedef {{ value: string, precision: string, earliest: string, latest: string }} DateValue */
/** @typedef {{ key: string, name: string, kind: string, description?: string | null, aliases?: string[] | null }} Actor */
/**
 * A relation as kept: its two ends by key.
 * @typedef {{ key: string, type: string, role: string | null, contested: boolean, from: string, to: string,
 *   at: DateValue | null, start: DateValue | null, end: DateValue | null }} Relation
 */
/** @typedef {Omit<Relation, "from" | "to"> & { from: { key: string }, to: { key: string } }} ApiRelation */
/**
 * A source as lists show it; its own panel reads its provenance too (`url`, `retrievedOn`).
 * @typedef {{ key: string, title: string | null, publisher: string | null, author: string | null,
 *   published: { value: string } | null, file: string, url?: string | null, retrievedOn?: string | null }} Source
 */
/**
 * @typedef {{ key: string, quote: string, stance: string, speaker: { name: string } | null, source: Source }} Citation
 * @typedef {{ forward: boolean, from: Actor, to: Actor, relation: ApiRelation & { citations: Citation[] } }} Step
 * @typedef {{ reason: string, count: number }} Omission
 */
/** @typedef {"actor" | "relation" | "pair" | "source" | "path"} SelectionKind */
/** @typedef {{ kind: SelectionKind, key: string, citation?: string | undefined }} Selection */
/** @typedef {{ from: number, to: number }} Months */
/** @typedef {{ kind: number, type: number, time: number, undated: number, isolated: number, actorsByKind: number }} Hidden */
/**
 * What the filters let through, with the count of what each hides.
 * @typedef {{ actors: Actor[], relations: Relation[], degree: Map<string, number>, undated: Set<string>, hidden: Hidden }} View
 */

/**
 * What was fetched: actors and relations by key; every relation type; and the vocabulary's kind colours and
 * relation families (in the API's order).
 */
export const store = {
  /** @type {Map<string, Actor>} */
  actors: new Map(),
  /** @type {Map<string, Relation>} */
  relations: new Map(),
  /** @type {string[]} */
  allTypes: [],
  /** @type {Map<string, string>} */
  colours: new Map(),
  /** @type {{ name: string, types: string[] }[]} */
  families: [],
};

export const state = {
  /** Actors whose neighbourhood is loaded ("all" loads every relation instead). @type {Set<string>} */
  shown: new Set(),
  all: false,
  /** Ticked kinds and types; null = all of them. @type {Set<string> | null} */
  kinds: null,
  /** @type {Set<string> | null} */
  types: null,
  hideIsolated: true,
  /** Time window, in months since year 0 (inclusive), or null for all time. @type {Months | null} */
  window: null,
  /** @type {"grey" | "hide"} */
  undated: "grey",
  layout: "fcose",
  /** Pairs of actors ("a~b", keys sorted) whose relations are drawn one by one instead of bundled. @type {Set<string>} */
  open: new Set(),
  /** @type {Selection | null} */
  selection: null,
  /** @type {{ from: string, to: string } | null} */
  path: null,
  /** A source whose relations are drawn (the review page's "what this article states"). @type {string | null} */
  source: null,
};

/** The paths found for `state.path`, as lists of steps; what the search left out; the keys of the relations on them. */
export const found = {
  /** @type {Step[][]} */
  paths: [],
  /** @type {Omission[]} */
  omitted: [],
  /** @type {Set<string>} */
  relations: new Set(),
  /** The keys of the relations `state.source` supports. @type {Set<string>} */
  cited: new Set(),
};

/** What is drawn now. */
export const drawn = {
  /** @type {View} */
  view: {
    actors: [],
    relations: [],
    degree: new Map(),
    undated: new Set(),
    hidden: { kind: 0, type: 0, time: 0, undated: 0, isolated: 0, actorsByKind: 0 },
  },
};

/** @param {Actor} actor */
export function keepActor(actor) {
  store.actors.set(actor.key, actor);
}
/** @param {ApiRelation} r */
export function keepRelation(r) {
  store.relations.set(r.key, {
    key: r.key,
    type: r.type,
    role: r.role,
    contested: r.contested,
    from: r.from.key,
    to: r.to.key,
    at: r.at,
    start: r.start,
    end: r.end,
  });
}

/** Forgets the paths found. */
export function clearPaths() {
  found.paths = [];
  found.omitted = [];
  found.relations.clear();
}

/**
 * The colour the vocabulary gives an actor kind (grey for a kind it does not know).
 * @param {string} kind
 */
export const kindColour = (kind) => store.colours.get(kind) ?? "#888";

/**
 * The pair of actors a relation joins, as "a~b" with the keys sorted.
 * @param {{ from: string, to: string }} r
 */
export const pairOf = (r) => (r.from < r.to ? `${r.from}~${r.to}` : `${r.to}~${r.from}`);

/** @param {string} key */
export const isPathEnd = (key) => Boolean(state.path && (key === state.path.from || key === state.path.to));

// The address bar: every change of the view is written there; opening an address restores its view.

/** Writes the view into the address bar (and the GraphML export link). */
export function writeUrl() {
  const p = new URLSearchParams();
  if (state.all) p.set("all", "1");
  if (state.shown.size) p.set("actors", [...state.shown].join(","));
  if (state.kinds) p.set("kinds", [...state.kinds].join(","));
  if (state.types) p.set("types", [...state.types].join(","));
  if (!state.hideIsolated) p.set("isolated", "show");
  if (state.window) {
    p.set("from", monthText(state.window.from));
    p.set("to", monthText(state.window.to));
  }
  if (state.undated !== "grey") p.set("undated", state.undated);
  if (state.layout !== "fcose") p.set("layout", state.layout);
  if (state.open.size) p.set("open", [...state.open].join(","));
  if (state.path) p.set("path", `${state.path.from},${state.path.to}`);
  if (state.source) p.set("source", state.source);
  if (state.selection) p.set("selected", `${state.selection.kind}:${state.selection.key}`);
  const query = p.toString().replaceAll("%2C", ",").replaceAll("%3A", ":").replaceAll("%7E", "~");
  history.replaceState(null, "", query ? `/?${query}` : "/");
  updateGraphmlLink();
}

/**
 * Sets the view from the address bar; a value it cannot read is left at its default.
 * @param {string[]} layouts the layouts there are
 */
export function readUrl(layouts) {
  const p = new URLSearchParams(location.search);
  /** @param {string} name */
  const list = (name) => {
    const value = p.get(name);
    return value ? value.split(",").filter(Boolean) : null;
  };
  state.all = p.get("all") === "1";
  state.shown = new Set(list("actors") ?? []);
  const kinds = list("kinds");
  state.kinds = kinds ? new Set(kinds) : null;
  const types = list("types");
  state.types = types ? new Set(types) : null;
  state.hideIsolated = p.get("isolated") !== "show";
  /** @param {string} name */
  const month = (name) => (/^\d{4}-\d{2}$/.test(p.get(name) ?? "") ? monthOf(`${p.get(name)}-01`) : null);
  const [from, to] = [month("from"), month("to")];
  state.window = from !== null && to !== null ? { from: Math.min(from, to), to: Math.max(from, to) } : null;
  state.undated = p.get("undated") === "hide" ? "hide" : "grey";
  const layout = p.get("layout");
  state.layout = layout && layouts.includes(layout) ? layout : "fcose";
  state.open = new Set(list("open") ?? []);
  const path = list("path");
  state.path = path?.length === 2 ? { from: path[0] ?? "", to: path[1] ?? "" } : null;
  state.source = p.get("source") || null;
  const selected = /^(actor|relation|pair|source|path):(.+)$/.exec(p.get("selected") ?? "");
  state.selection = selected
    ? { kind: /** @type {SelectionKind} */ (selected[1]), key: selected[2] ?? "" }
    : null;
}

/** The GraphML export of this view: the shown actors' neighbourhoods under the kind, type and time filters. */
function updateGraphmlLink() {
  const p = new URLSearchParams();
  if (!state.all) for (const key of state.shown) p.append("actor", key);
  if (state.kinds) p.set("kinds", [...state.kinds].join(","));
  if (state.types) p.set("types", [...state.types].join(","));
  if (state.window) {
    p.set("from", monthText(state.window.from));
    p.set("to", monthText(state.window.to));
  }
  element("export-graphml", HTMLAnchorElement).href = `/export/graph.graphml${p.size ? `?${p}` : ""}`;
}
