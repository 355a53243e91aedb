// @ts-check
// The explorer talks to the same GraphQL API as every other client and holds no data of its own: it keeps what
// it fetched (actors, relations) and draws the part that the filters let through. The whole view lives in the
// address bar, so a view can be shared, bookmarked and restored. This module wires the others together:
// api (fetches), state (the view and its address), filters, time, layout, graph (Cytoscape), panels (details),
// search (the search boxes).
import {
  findPaths,
  loadNeighbourhood,
  loadSourceRelations,
  loadStats,
  loadVocabulary,
  loadWholeGraph,
} from "./api.js";
import { buildFilters, showHidden, syncFilterBoxes, visibleGraph } from "./filters.js";
import { cy, showElements } from "./graph.js";
import { wireGraphKeys } from "./keyboard.js";
import { fitReadable, placeEdgeLabels } from "./labels.js";
import { layouts, runLayout } from "./layout.js";
import { select, setFold, showDetailsOnPhone, syncSelection, wirePanels } from "./panels.js";
import { searchBox } from "./search.js";
import { clearPaths, drawn, found, readUrl, state, store, writeUrl } from "./state.js";
import { refreshTimeControls, wireTimeControls } from "./time.js";
import { $, element, monthText } from "./util.js";

// Changes to the graph run one after another, so that a slider moved during a load cannot interleave.
/** @type {Promise<unknown>} */
let queue = Promise.resolve();
/**
 * Runs `work` after every change asked before it; an error is shown in the status line.
 * @param {() => Promise<unknown>} work
 */
const serially = (work) => {
  queue = queue.then(work, work).catch((error) => status(`Error: ${error.message}`));
  return queue;
};

/**
 * The status line: what is drawn, and `extra`.
 * @param {string} [extra]
 */
function status(extra = "") {
  const when = state.window ? ` from ${monthText(state.window.from)} to ${monthText(state.window.to)}` : "";
  $("status").textContent =
    `${drawn.view.actors.length} actors, ${drawn.view.relations.length} relations shown${when}.${extra ? ` ${extra}` : ""}`;
}

/**
 * Draws what the filters let through; lays the graph out again when its actors changed.
 * @param {{ relayout?: boolean | "fresh" }} [options] `relayout`: lay out even if the actors are the same
 *   ("fresh": from random positions)
 */
async function draw({ relayout = false } = {}) {
  drawn.view = visibleGraph();
  const { wasEmpty, nodesChanged } = showElements(drawn.view);
  const laidOut = Boolean(relayout || nodesChanged);
  if (laidOut) await runLayout(cy, state.layout, wasEmpty || relayout === "fresh");
  syncSelection();
  placeEdgeLabels(cy);
  if (laidOut) fitReadable(cy, state.selection?.kind === "actor" ? state.selection.key : null);
  showHidden();
  status();
}
/** Draws again after the changes asked before. */
const redraw = () => serially(() => draw());
/** Draws again after the changes asked before, and lays the graph out again. */
const relayout = () => void serially(() => draw({ relayout: true }));

/**
 * Adds an actor with its neighbours; it stays shown whatever the filters.
 * @param {string} key
 */
const expand = (key) =>
  serially(async () => {
    state.shown.add(key);
    await loadNeighbourhood(key);
    state.selection = { kind: "actor", key };
    writeUrl();
    refreshTimeControls();
    await draw();
    showDetailsOnPhone();
  });

// Shortest paths: the two ends chosen, then the paths found and drawn.
/** @type {{ from: string | null, to: string | null }} */
const pathEnds = { from: null, to: null };
const pathFind = () => element("path-find", HTMLButtonElement);
/**
 * @param {"from" | "to"} end
 * @param {import("./state.js").Actor} actor
 */
function setPathEnd(end, actor) {
  pathEnds[end] = actor.key;
  element(`path-${end}`, HTMLInputElement).value = actor.name;
  $(`path-${end}-results`).innerHTML = "";
  pathFind().disabled = !(pathEnds.from && pathEnds.to && pathEnds.from !== pathEnds.to);
  if (!pathFind().disabled && end === "to") void showPath();
}
const showPath = () =>
  serially(async () => {
    const { from, to } = pathEnds;
    if (!from || !to) return;
    state.path = { from, to };
    await findPaths();
    state.selection = { kind: "path", key: `${from},${to}` };
    writeUrl();
    // The drawer folds away on narrow screens, so that the path drawn is seen.
    setFold("controls", false);
    await draw({ relayout: true });
  });

wireTimeControls({ redraw, writeUrl });
wirePanels({ expand, setPathEnd, redraw: () => void redraw() });

$("isolated").addEventListener("change", () => {
  state.hideIsolated = element("isolated", HTMLInputElement).checked;
  writeUrl();
  void redraw();
});
$("layout").addEventListener("change", () => {
  state.layout = element("layout", HTMLSelectElement).value;
  writeUrl();
  void serially(() => draw({ relayout: "fresh" }));
});
$("whole").addEventListener("click", () =>
  serially(async () => {
    state.all = true;
    const truncated = await loadWholeGraph();
    if (truncated) status(truncated);
    writeUrl();
    refreshTimeControls();
    await draw();
  }),
);
$("clear").addEventListener("click", () =>
  serially(async () => {
    state.shown.clear();
    state.all = false;
    state.path = null;
    state.source = null;
    state.open.clear();
    state.selection = null;
    clearPaths();
    await loadSourceRelations();
    writeUrl();
    await draw();
  }),
);
pathFind().addEventListener("click", () => void showPath());
$("path-clear").addEventListener("click", () =>
  serially(async () => {
    state.path = null;
    clearPaths();
    if (state.selection?.kind === "path") state.selection = null;
    writeUrl();
    await draw();
  }),
);
$("export-png").addEventListener("click", () => {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }));
  link.download = "actor-graph.png";
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
});

cy.on("tap", "node", (event) => {
  const key = event.target.id();
  if (state.shown.has(key) || state.all) select({ kind: "actor", key });
  else void expand(key);
});
cy.on("tap", "edge", (event) => {
  const id = event.target.id();
  select(id.startsWith("pair:") ? { kind: "pair", key: id.slice(5) } : { kind: "relation", key: id });
});
cy.on("tap", (event) => {
  if (event.target === cy) select(null);
});
// A selected edge's label comes first; a node moved by hand makes room anew.
cy.on("select", "edge", () => placeEdgeLabels(cy));
wireGraphKeys(cy, { selectActor: (key) => select(key ? { kind: "actor", key } : null), expand });
cy.on("dragfree", "node", () => placeEdgeLabels(cy));
searchBox($("search"), $("results"), (actor) => {
  $("results").innerHTML = "";
  element("search", HTMLInputElement).value = "";
  // On narrow screens the drawer folds away, so that the actor picked is seen.
  setFold("controls", false);
  void expand(actor.key);
});
searchBox($("path-from"), $("path-from-results"), (actor) => setPathEnd("from", actor));
searchBox($("path-to"), $("path-to-results"), (actor) => setPathEnd("to", actor));

/** Most relations read to find the most connected actor for the opening view. */
const openingRelations = 500;

/**
 * The opening view, when the address names none: the most connected actor with its neighbours, found among the
 * first `openingRelations` relations (the whole seed).
 * @returns {Promise<string>} what the status line says of it
 */
async function openOnHub() {
  // Once more when the first try fails (a cold or busy server can take longer than it allows a query): the page
  // still opens, empty, with the reason, when the second fails too.
  const partial = await loadWholeGraph(openingRelations).catch(() => loadWholeGraph(openingRelations));
  /** @type {Map<string, number>} */
  const degree = new Map();
  for (const r of store.relations.values()) {
    for (const key of [r.from, r.to]) degree.set(key, (degree.get(key) ?? 0) + 1);
  }
  const [hub] = [...degree].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (!hub) return "";
  state.shown.add(hub[0]);
  state.selection = { kind: "actor", key: hub[0] };
  await loadNeighbourhood(hub[0]);
  const among = partial ? ` among the first ${openingRelations} relations` : "";
  return `Opened on ${store.actors.get(hub[0])?.name ?? hub[0]}, the most connected actor${among} (${hub[1]} relations): search to add others.`;
}

/** Opening the page restores the view its address names (or opens on the most connected actor). */
const ready = (async () => {
  readUrl(layouts);
  const [stats] = await Promise.all([loadStats(), loadVocabulary()]);
  buildFilters(stats, { redraw: relayout, writeUrl });
  syncFilterBoxes();
  const named = state.all || state.shown.size > 0 || state.path || state.selection || state.source;
  let opening = "";
  await serially(async () => {
    if (!named) opening = await openOnHub().catch((error) => `No opening view: ${error.message}`);
    if (state.all) await loadWholeGraph();
    if (state.source) {
      const title = await loadSourceRelations();
      opening = `The relations “${title}” supports (${found.cited.size}).`;
    }
    await Promise.all([...state.shown].map((key) => loadNeighbourhood(key)));
    if (state.path) {
      await findPaths();
      pathEnds.from = state.path.from;
      pathEnds.to = state.path.to;
      element("path-from", HTMLInputElement).value =
        store.actors.get(state.path.from)?.name ?? state.path.from;
      element("path-to", HTMLInputElement).value = store.actors.get(state.path.to)?.name ?? state.path.to;
    }
    refreshTimeControls();
    writeUrl();
    await draw();
    if (opening) status(opening);
  });
  document.body.dataset.ready = "true";
})();

// For tests and the console: the graph, the view's state, and a promise of the pending changes being drawn.
window.explorer = { cy, state, store, ready, drawn: () => drawn.view, idle: () => queue };
