import cytoscape from "/explorer/vendor/cytoscape.esm.min.mjs";

// The explorer talks to the same GraphQL API as every other client and holds no data of its own: it keeps what
// it fetched (actors, relations) and draws the part that the filters let through. The whole view lives in the
// address bar, so a view can be shared, bookmarked and restored.

const kindColours = {
  STATE: "#3b6fd8",
  GOVERNMENT_BODY: "#7a5fc4",
  PERSON: "#2f9c6a",
  ARMED_FORCE: "#c4572b",
  MILITARY_OPERATION: "#d08a1e",
  PRIVATE_MILITARY_COMPANY: "#b8323a",
  ORGANIZATION: "#2a8fa3",
  MEDIA: "#7c7f86",
  GROUP: "#a7845b",
};
/** Relation types grouped for the filter; a type the API adds later shows under "other". */
const typeFamilies = {
  "military and security": [
    "MILITARY_COOPERATION",
    "ARMS_SUPPLY",
    "TRAINING",
    "DEPLOYMENT",
    "WITHDRAWAL",
    "JOINT_OPERATION",
    "SUSPENSION",
    "COMBAT",
    "ATTACK",
  ],
  "diplomacy and cooperation": [
    "VISIT",
    "MEETING",
    "AGREEMENT",
    "COMMISSION_OR_PLAN",
    "DIPLOMATIC_RELATIONS",
    "PARTNERSHIP",
    "COOPERATION",
    "SUPPORT",
    "REQUEST",
    "INVITATION",
    "CONGRATULATION",
  ],
  "power and structure": ["OFFICE", "PART_OF", "MEMBER_OF", "SUCCESSION", "RISE_TO_POWER", "OVERTHROW"],
  "statements and claims": ["STATEMENT", "ACCUSATION", "DENIAL", "CRITICISM", "DISPUTE"],
};
/** Most relations loaded by "whole graph" (pages of 100), and by one actor's neighbourhood. */
const wholeGraphMax = 2000;
const neighbourhoodMax = 1000;
const playStepMs = 150;

const $ = (id) => document.getElementById(id);
const words = (key) => key.toLowerCase().replaceAll("_", " ");
const escapeHtml = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );

async function graphql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

// ---------------------------------------------------------------------------------------------------------
// What was fetched, and the view's state (everything in `state` is written to the address bar).

const store = { actors: new Map(), relations: new Map(), allTypes: [] };
const state = {
  /** Actors whose neighbourhood is loaded ("all" loads every relation instead). */
  shown: new Set(),
  all: false,
  /** Ticked kinds and types; null = all of them. */
  kinds: null,
  types: null,
  hideIsolated: true,
  /** Time window, in months since year 0 (inclusive), or null for all time. */
  window: null,
  undated: "grey",
  layout: "fcose",
  /** Pairs of actors ("a~b", keys sorted) whose relations are drawn one by one instead of bundled. */
  open: new Set(),
  /** { kind: "actor" | "relation" | "pair" | "source" | "path", key } or null. */
  selection: null,
  /** { from, to } keys, or null. */
  path: null,
};
/** The paths found for state.path, as lists of steps; the relations on them. */
let paths = [];
const pathRelations = new Set();

const dateFields = "value precision earliest latest";
const actorFields = "key name kind description aliases";
const edgeFields = `key type role contested from { key } to { key }
  at { ${dateFields} } start { ${dateFields} } end { ${dateFields} }`;

function keepActor(actor) {
  store.actors.set(actor.key, actor);
}
function keepRelation(r) {
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

/** Loads an actor's relations (all of them: filters apply when drawing, so their counts can be shown). */
async function loadNeighbourhood(key) {
  const data = await graphql(
    `query ($actor: String!, $limit: Int) { neighbourhood(actor: $actor, depth: 1, limit: $limit) {
       nodes { ${actorFields} } edges { ${edgeFields} } } }`,
    { actor: key, limit: neighbourhoodMax },
  );
  for (const actor of data.neighbourhood.nodes) keepActor(actor);
  for (const edge of data.neighbourhood.edges) keepRelation(edge);
}

/** Loads every relation with its two ends, page by page, at most `wholeGraphMax`. */
async function loadWholeGraph() {
  let after = null;
  for (let loaded = 0; loaded < wholeGraphMax; loaded += 100) {
    const data = await graphql(
      `query ($after: String) { relations(first: 100, after: $after) {
         pageInfo { hasNextPage endCursor }
         edges { node { ${edgeFields} from { ${actorFields} } to { ${actorFields} } } } } }`,
      { after },
    );
    for (const { node } of data.relations.edges) {
      keepActor(node.from);
      keepActor(node.to);
      keepRelation(node);
    }
    if (!data.relations.pageInfo.hasNextPage) return;
    after = data.relations.pageInfo.endCursor;
  }
  status(`Only the first ${wholeGraphMax} relations were loaded.`);
}

// ---------------------------------------------------------------------------------------------------------
// Time: months as integers (year * 12 + month - 1), so that the sliders move a month at a time.

const monthOf = (day) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
const monthText = (month) => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}`;
const now = new Date();
const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();

/** A relation's time as months: from its `at` or `start`, to its `end` (or `at`'s end; open when none). */
function span(r) {
  const begin = r.at ?? r.start;
  if (!begin) return null;
  const finish = r.end?.latest ?? r.at?.latest;
  return { from: monthOf(begin.earliest), to: finish ? monthOf(finish) : Number.POSITIVE_INFINITY };
}

/** The slider's range: from the earliest loaded date (or 2000) to this month. */
function timeDomain() {
  let first = 2000 * 12;
  for (const r of store.relations.values()) {
    const s = span(r);
    if (s) first = Math.min(first, s.from);
  }
  if (state.window) first = Math.min(first, state.window.from);
  return { from: first, to: Math.max(thisMonth, state.window?.to ?? thisMonth) };
}

// ---------------------------------------------------------------------------------------------------------
// What is drawn: the filters applied to what was fetched, with counts of what each hides.

const pairOf = (r) => (r.from < r.to ? `${r.from}~${r.to}` : `${r.to}~${r.from}`);

function visibleGraph() {
  const hidden = { kind: 0, type: 0, time: 0, undated: 0, isolated: 0, actorsByKind: 0 };
  const relations = [];
  const undated = new Set();
  for (const r of store.relations.values()) {
    if (pathRelations.has(r.key)) {
      relations.push(r);
      continue;
    }
    if (!state.all && !state.shown.has(r.from) && !state.shown.has(r.to)) continue;
    const ends = [store.actors.get(r.from), store.actors.get(r.to)];
    if (state.kinds && ends.some((a) => !state.kinds.has(a?.kind))) {
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

let drawn = { actors: [], relations: [], degree: new Map(), undated: new Set(), hidden: {} };

/** The Cytoscape elements for what is drawn: one edge per pair of actors unless the pair is opened. */
function elementsOf(view) {
  const nodes = view.actors.map((a) => ({
    group: "nodes",
    data: {
      id: a.key,
      name: a.name,
      kind: a.kind,
      colour: kindColours[a.kind] ?? "#888",
      size: 16 + 7 * Math.sqrt(view.degree.get(a.key) ?? 0),
    },
    classes: [state.shown.has(a.key) ? "expanded" : "", state.path && isPathEnd(a.key) ? "path" : ""].join(
      " ",
    ),
  }));
  const pairs = new Map();
  for (const r of view.relations) {
    const pair = pairOf(r);
    if (!pairs.has(pair)) pairs.set(pair, []);
    pairs.get(pair).push(r);
  }
  const edges = [];
  for (const [pair, relations] of pairs) {
    const single =
      relations.length === 1 || state.open.has(pair) || relations.some((r) => pathRelations.has(r.key));
    if (single) {
      for (const r of relations) {
        edges.push({
          group: "edges",
          data: { id: r.key, source: r.from, target: r.to, label: words(r.type), pair, count: 1 },
          classes: [
            r.contested ? "contested" : "",
            view.undated.has(r.key) ? "undated" : "",
            pathRelations.has(r.key) ? "path" : "",
          ].join(" "),
        });
      }
      continue;
    }
    const types = [...new Set(relations.map((r) => words(r.type)))];
    const label = `${types.slice(0, 2).join(", ")}${types.length > 2 ? ` +${types.length - 2}` : ""} (${relations.length})`;
    const [a, b] = pair.split("~");
    edges.push({
      group: "edges",
      data: { id: `pair:${pair}`, source: a, target: b, label, pair, count: relations.length },
      classes: [
        "bundle",
        relations.some((r) => r.contested) ? "contested" : "",
        relations.every((r) => view.undated.has(r.key)) ? "undated" : "",
      ].join(" "),
    });
  }
  return [...nodes, ...edges];
}

const isPathEnd = (key) => state.path && (key === state.path.from || key === state.path.to);

// ---------------------------------------------------------------------------------------------------------
// Cytoscape, its layouts, and drawing.

const cy = cytoscape({
  container: $("graph"),
  style: [
    {
      selector: "node",
      style: {
        "background-color": "data(colour)",
        label: "data(name)",
        "font-size": 10,
        "text-wrap": "wrap",
        "text-max-width": 90,
        "text-valign": "bottom",
        "text-margin-y": 3,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.75,
        "text-background-padding": 1,
        width: "data(size)",
        height: "data(size)",
        color: "#1d2430",
        "min-zoomed-font-size": 6,
      },
    },
    { selector: "node.expanded", style: { "border-width": 2, "border-color": "#1d2430" } },
    {
      selector: "edge",
      style: {
        width: 1.4,
        "line-color": "#9aa4b2",
        "target-arrow-color": "#9aa4b2",
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.8,
        "curve-style": "bezier",
        label: "data(label)",
        "font-size": 7,
        color: "#3d4757",
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "min-zoomed-font-size": 7,
      },
    },
    {
      selector: "edge.bundle",
      style: {
        width: "mapData(count, 2, 20, 3, 9)",
        "target-arrow-shape": "none",
        "font-size": 8,
        "font-weight": "bold",
      },
    },
    {
      selector: "edge.contested",
      style: { "line-color": "#d2452f", "target-arrow-color": "#d2452f", "line-style": "dashed" },
    },
    {
      selector: "edge.undated",
      style: {
        "line-color": "#d3d7de",
        "target-arrow-color": "#d3d7de",
        "line-style": "dotted",
        color: "#9aa4b2",
      },
    },
    { selector: "edge.path", style: { "line-color": "#f08c00", "target-arrow-color": "#f08c00", width: 4 } },
    { selector: "node.path", style: { "border-width": 4, "border-color": "#f08c00" } },
    {
      selector: ":selected",
      style: {
        "line-color": "#1d2430",
        "target-arrow-color": "#1d2430",
        "border-width": 3,
        "border-color": "#f0b400",
      },
    },
  ],
  minZoom: 0.1,
  maxZoom: 4,
});

/** Loads a classic script (the layout extensions' browser builds set globals) from this server. */
const loadScript = (src) =>
  new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
/** fCoSE (with cose-base and layout-base) and Cola (with WebCola), each registered with Cytoscape. */
const extensions = (async () => {
  for (const file of ["layout-base.js", "cose-base.js", "cytoscape-fcose.js", "cola.min.js"]) {
    await loadScript(`/explorer/vendor/${file}`);
  }
  // cytoscape-cola's browser build looks for WebCola under the name its npm package has.
  window.webcola = window.cola;
  await loadScript("/explorer/vendor/cytoscape-cola.js");
  cytoscape.use(window.cytoscapeFcose);
  cytoscape.use(window.cytoscapeCola);
})();

/** Layout options: every one sizes nodes with their labels, so that labels take room and do not overlap. */
function layoutOptions(randomize) {
  const common = { animate: false, fit: true, padding: 30, nodeDimensionsIncludeLabels: true };
  switch (state.layout) {
    case "cola":
      return {
        ...common,
        name: "cola",
        avoidOverlap: true,
        randomize,
        maxSimulationTime: 1500,
        edgeLength: 90,
      };
    case "concentric":
      return {
        ...common,
        name: "concentric",
        concentric: (node) => node.degree(),
        levelWidth: () => 2,
        avoidOverlap: true,
        minNodeSpacing: 12,
      };
    case "circle":
      return { ...common, name: "circle", avoidOverlap: true };
    case "breadthfirst":
      return { ...common, name: "breadthfirst", avoidOverlap: true, spacingFactor: 1.1 };
    default:
      return {
        ...common,
        name: "fcose",
        quality: "proof",
        randomize,
        nodeRepulsion: () => 9000,
        idealEdgeLength: (edge) => 70 + 10 * Math.min(edge.data("count"), 6),
        nodeSeparation: 90,
        packComponents: true,
        numIter: 5000,
      };
  }
}

/** Moves nodes apart until no two label-and-node boxes overlap (fCoSE spaces them, but does not promise it). */
function removeOverlaps() {
  const nodes = cy.nodes().toArray();
  const gap = 4;
  for (let round = 0; round < 60; round++) {
    let moved = false;
    const boxes = nodes.map((n) => n.boundingBox({ includeLabels: true, includeOverlays: false }));
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const dx = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + gap;
        const dy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + gap;
        if (dx <= 0 || dy <= 0) continue;
        moved = true;
        // Push apart along the axis of least overlap, half each.
        const [pi, pj] = [nodes[i].position(), nodes[j].position()];
        if (dx < dy) {
          const shift = ((pi.x <= pj.x ? -1 : 1) * dx) / 2;
          nodes[i].position({ x: pi.x + shift, y: pi.y });
          nodes[j].position({ x: pj.x - shift, y: pj.y });
        } else {
          const shift = ((pi.y <= pj.y ? -1 : 1) * dy) / 2;
          nodes[i].position({ x: pi.x, y: pi.y + shift });
          nodes[j].position({ x: pj.x, y: pj.y - shift });
        }
        boxes[i] = nodes[i].boundingBox({ includeLabels: true, includeOverlays: false });
        boxes[j] = nodes[j].boundingBox({ includeLabels: true, includeOverlays: false });
      }
    }
    if (!moved) return;
  }
}

async function runLayout(randomize) {
  await extensions;
  if (cy.nodes().length === 0) return;
  const layout = cy.layout(layoutOptions(randomize));
  const done = layout.promiseOn("layoutstop");
  layout.run();
  await done;
  removeOverlaps();
  cy.fit(undefined, 30);
}

/** Draws what the filters let through; lays the graph out again when its actors changed. */
async function draw({ relayout = false } = {}) {
  drawn = visibleGraph();
  const elements = elementsOf(drawn);
  const wanted = new Set(elements.map((e) => e.data.id));
  const before = new Set(cy.nodes().map((n) => n.id()));
  cy.batch(() => {
    cy.elements()
      .filter((e) => !wanted.has(e.id()))
      .remove();
    for (const element of elements) {
      const existing = cy.getElementById(element.data.id);
      if (existing.nonempty()) {
        existing.data(element.data);
        existing.classes(element.classes);
      } else {
        if (element.group === "nodes") {
          // A new actor starts beside a drawn neighbour, so an incremental layout keeps the picture.
          const near = drawn.relations
            .filter((r) => r.from === element.data.id || r.to === element.data.id)
            .map((r) => cy.getElementById(r.from === element.data.id ? r.to : r.from))
            .find((n) => n.nonempty());
          if (near) {
            const p = near.position();
            element.position = { x: p.x + Math.random() * 40 - 20, y: p.y + Math.random() * 40 - 20 };
          }
        }
        cy.add(element);
      }
    }
  });
  const nodesChanged = cy.nodes().length !== before.size || cy.nodes().some((n) => !before.has(n.id()));
  if (relayout || nodesChanged) await runLayout(before.size === 0 || relayout === "fresh");
  syncSelection();
  showHidden();
  status();
}

function status(extra = "") {
  const when = state.window ? ` from ${monthText(state.window.from)} to ${monthText(state.window.to)}` : "";
  $("status").textContent =
    `${drawn.actors.length} actors, ${drawn.relations.length} relations shown${when}.${extra ? ` ${extra}` : ""}`;
}

/** The count of what each filter hides, under the filters. */
function showHidden() {
  const h = drawn.hidden;
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
      : `${drawn.undated.size} undated relation(s) shown greyed: the sources do not place them in time.`
    : "All time: dated and undated relations alike.";
}

// ---------------------------------------------------------------------------------------------------------
// The address bar: every change of the view is written there; opening an address restores its view.

function writeUrl() {
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
  if (state.selection) p.set("selected", `${state.selection.kind}:${state.selection.key}`);
  const query = p.toString().replaceAll("%2C", ",").replaceAll("%3A", ":").replaceAll("%7E", "~");
  history.replaceState(null, "", query ? `/?${query}` : "/");
  updateGraphmlLink();
}

function readUrl() {
  const p = new URLSearchParams(location.search);
  const list = (name) => (p.get(name) ? p.get(name).split(",").filter(Boolean) : null);
  state.all = p.get("all") === "1";
  state.shown = new Set(list("actors") ?? []);
  state.kinds = list("kinds") ? new Set(list("kinds")) : null;
  state.types = list("types") ? new Set(list("types")) : null;
  state.hideIsolated = p.get("isolated") !== "show";
  const month = (name) => (/^\d{4}-\d{2}$/.test(p.get(name) ?? "") ? monthOf(`${p.get(name)}-01`) : null);
  const [from, to] = [month("from"), month("to")];
  state.window = from !== null && to !== null ? { from: Math.min(from, to), to: Math.max(from, to) } : null;
  state.undated = p.get("undated") === "hide" ? "hide" : "grey";
  state.layout = [...$("layout").options].some((o) => o.value === p.get("layout"))
    ? p.get("layout")
    : "fcose";
  state.open = new Set(list("open") ?? []);
  const path = list("path");
  state.path = path?.length === 2 ? { from: path[0], to: path[1] } : null;
  const selected = /^(actor|relation|pair|source|path):(.+)$/.exec(p.get("selected") ?? "");
  state.selection = selected ? { kind: selected[1], key: selected[2] } : null;
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
  $("export-graphml").href = `/export/graph.graphml${p.size ? `?${p}` : ""}`;
}

// ---------------------------------------------------------------------------------------------------------
// The details panel: it follows the selection and what is drawn.

const detailsCache = new Map();
async function cached(key, load) {
  if (!detailsCache.has(key)) detailsCache.set(key, await load());
  return detailsCache.get(key);
}

/** A source's name for a reader: its title, else who published or wrote it and when, else its file. */
function sourceName(s) {
  if (s.title) return s.title;
  const by = [s.publisher, s.author && `by ${s.author}`, s.published].filter(Boolean).join(", ");
  return by ? `article, ${by}` : `untitled article (${s.file.replace(/^.*\//, "")})`;
}
const sourceFields = "key title publisher author published file";

function dateSpan(r) {
  return (
    [r.at?.value, r.start && `from ${r.start.value}`, r.end && `to ${r.end.value}`]
      .filter(Boolean)
      .join(" ") || "undated"
  );
}

function select(selection) {
  state.selection = selection;
  writeUrl();
  syncSelection();
  if (selection && matchMedia("(max-width: 700px)").matches) setFold("details", true);
}

/** Selects on the graph what the panel shows, and shows the panel for it (or says that it is not drawn). */
function syncSelection() {
  cy.elements().unselect();
  const s = state.selection;
  if (!s) {
    $("details").innerHTML = '<p class="hint">Click an actor or a relation to read about it.</p>';
    return;
  }
  if (s.kind === "actor") {
    cy.getElementById(s.key).select();
    void showActor(s.key);
  } else if (s.kind === "relation") {
    const r = store.relations.get(s.key);
    const edge = cy.getElementById(s.key).nonempty()
      ? cy.getElementById(s.key)
      : r && cy.getElementById(`pair:${pairOf(r)}`);
    edge?.select();
    void showRelation(s.key, Boolean(edge?.nonempty()));
  } else if (s.kind === "pair") {
    cy.getElementById(`pair:${s.key}`).select();
    showPair(s.key);
  } else if (s.kind === "source") {
    void showSource(s.key);
  } else if (s.kind === "path") {
    showPaths();
  }
}

const notDrawn = (what) =>
  `<p class="hint notice">${what} is not drawn under the current filters (see “Hidden by the filters”).</p>`;

function relationButton(r, from) {
  const other = store.actors.get(r.from === from ? r.to : r.from);
  const arrow = r.from === from ? "→" : "←";
  return `<li><button type="button" data-relation="${escapeHtml(r.key)}">${words(r.type)} ${arrow} ${escapeHtml(other?.name ?? "?")} <span class="count">${escapeHtml(dateSpan(r))}</span></button></li>`;
}

function wireButtons() {
  for (const button of $("details").querySelectorAll("[data-relation]")) {
    button.addEventListener("click", () => select({ kind: "relation", key: button.dataset.relation }));
  }
  for (const button of $("details").querySelectorAll("[data-source]")) {
    button.addEventListener("click", () =>
      select({ kind: "source", key: button.dataset.source, citation: button.dataset.citation }),
    );
  }
}

async function showActor(key) {
  const actor = store.actors.get(key);
  if (!actor) return;
  const mine = drawn.relations.filter((r) => r.from === key || r.to === key);
  const all = [...store.relations.values()].filter((r) => r.from === key || r.to === key);
  const isDrawn = drawn.actors.some((a) => a.key === key);
  $("details").innerHTML = `
    <h2>${escapeHtml(actor.name)}</h2>
    ${isDrawn ? "" : notDrawn(escapeHtml(actor.name))}
    <p class="relation-head">${words(actor.kind)}</p>
    ${actor.description ? `<p>${escapeHtml(actor.description)}</p>` : ""}
    ${actor.aliases?.length ? `<p class="hint">Also written: ${actor.aliases.map(escapeHtml).join(", ")}</p>` : ""}
    <p class="row">${state.shown.has(key) || state.all ? "" : '<button type="button" id="expand-actor">Add its neighbours</button> '}
      <button type="button" id="path-from-here">Path from here</button>
      <button type="button" id="path-to-here">Path to here</button></p>
    <p class="hint">${mine.length} relation(s) drawn${all.length > mine.length ? `, ${all.length - mine.length} loaded but hidden by the filters` : ""}; choose one to read its citations.</p>
    <ul class="relations">${mine.map((r) => relationButton(r, key)).join("")}</ul>`;
  $("expand-actor")?.addEventListener("click", () => void expand(key));
  $("path-from-here").addEventListener("click", () => setPathEnd("from", actor));
  $("path-to-here").addEventListener("click", () => setPathEnd("to", actor));
  wireButtons();
}

function citationHtml(c) {
  return `<div class="citation">
      <div class="meta"><span class="stance-${c.stance}">${words(c.stance)}</span> · ${escapeHtml(c.speaker?.name ?? "the article itself")}
        · <button type="button" class="link" data-source="${escapeHtml(c.source.key)}" data-citation="${escapeHtml(c.key)}">${escapeHtml(sourceName(c.source))}</button></div>
      <blockquote>…${escapeHtml(c.context.before)}<mark class="${c.stance === "DENIES" ? "denies" : ""}">${escapeHtml(c.context.quote)}</mark>${escapeHtml(c.context.after)}…</blockquote>
    </div>`;
}

/** Both sides of a contested relation: who supports it and who denies it, with counts and sources. */
function sidesHtml(citations) {
  const side = (title, list, className) => {
    const speakers = [...new Set(list.map((c) => c.speaker?.name ?? "the article itself"))];
    const sources = [...new Set(list.map((c) => sourceName(c.source)))];
    return `<div class="${className}"><strong>${title}: ${list.length} citation(s)</strong>
      <br>Speakers: ${speakers.map(escapeHtml).join("; ") || "none"}
      <br>Sources: ${sources.map(escapeHtml).join("; ") || "none"}</div>`;
  };
  const denying = citations.filter((c) => c.stance === "DENIES");
  const supporting = citations.filter((c) => c.stance !== "DENIES");
  return `<h3>Contested: both sides</h3><div class="sides">${side("Supporting (asserts, reports, accuses)", supporting, "supporting")}${side("Denying", denying, "denying")}</div>`;
}

async function showRelation(key, isDrawn) {
  const relation = await cached(`relation:${key}`, async () => {
    const data = await graphql(
      `query ($key: String!) { relation(key: $key) { key type role contested note
        from { key name } to { key name } at { value } start { value } end { value }
        citations(limit: 100) { key quote stance speaker { name } source { ${sourceFields} }
          context(chars: 300) { before quote after } } } }`,
      { key },
    );
    return data.relation;
  });
  if (state.selection?.key !== key) return;
  if (!relation) {
    $("details").innerHTML = `<p class="hint">No relation ${escapeHtml(key)}.</p>`;
    return;
  }
  $("details").innerHTML = `
    <h2>${escapeHtml(relation.from.name)} → ${escapeHtml(relation.to.name)}</h2>
    ${isDrawn ? "" : notDrawn("This relation")}
    <p class="relation-head">${words(relation.type)}${relation.role ? ` (${escapeHtml(relation.role)})` : ""}
      <span class="badge">${escapeHtml(dateSpan(relation))}</span>${relation.contested ? '<span class="badge contested">contested</span>' : ""}</p>
    ${relation.note ? `<p class="hint">${escapeHtml(relation.note)}</p>` : ""}
    ${relation.contested ? sidesHtml(relation.citations) : ""}
    <h3>${relation.citations.length} citation(s)</h3>${relation.citations.map(citationHtml).join("")}`;
  wireButtons();
}

function showPair(pair) {
  const [a, b] = pair.split("~").map((key) => store.actors.get(key));
  const relations = drawn.relations.filter((r) => pairOf(r) === pair);
  const opened = state.open.has(pair);
  $("details").innerHTML = `
    <h2>${escapeHtml(a?.name ?? "?")} — ${escapeHtml(b?.name ?? "?")}</h2>
    ${relations.length ? "" : notDrawn("This pair")}
    <p class="hint">${relations.length} relation(s) drawn between them${opened ? ", each as its own edge" : " as one edge"}.</p>
    <p class="row"><button type="button" id="toggle-pair">${opened ? "Bundle them again" : "Draw separately"}</button></p>
    <ul class="relations">${relations.map((r) => relationButton(r, a?.key)).join("")}</ul>`;
  $("toggle-pair").addEventListener("click", () => {
    if (opened) state.open.delete(pair);
    else state.open.add(pair);
    writeUrl();
    void serially(() => draw());
  });
  wireButtons();
}

/** Code-point slices of `text` with the citations covering each, so that overlapping quotes all stay marked. */
function markedText(text, citations) {
  const points = Array.from(text);
  const bounds = new Set([0, points.length]);
  for (const c of citations) {
    bounds.add(c.start);
    bounds.add(c.end);
  }
  const cuts = [...bounds].sort((x, y) => x - y);
  let html = "";
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [from, to] = [cuts[i], cuts[i + 1]];
    const piece = escapeHtml(points.slice(from, to).join(""));
    const covering = citations.filter((c) => c.start <= from && c.end >= to);
    if (covering.length === 0) {
      html += piece;
      continue;
    }
    const title = covering
      .map(
        (c) =>
          `${words(c.relation.type)}: ${c.relation.from.name} → ${c.relation.to.name} (${words(c.stance)})`,
      )
      .join("\n");
    html += `<mark data-citations="${escapeHtml(covering.map((c) => c.key).join(" "))}" data-relation="${escapeHtml(covering[0].relation.key)}" class="${covering.some((c) => c.stance === "DENIES") ? "denies" : ""}" title="${escapeHtml(title)}">${piece}</mark>`;
  }
  return html;
}

async function showSource(key) {
  const source = await cached(`source:${key}`, async () => {
    const data = await graphql(
      `query ($key: String!) { source(key: $key) { ${sourceFields} language text
        citations(limit: 1000) { key start end stance relation { key type from { name } to { name } } } } }`,
      { key },
    );
    return data.source;
  });
  if (state.selection?.key !== key) return;
  if (!source) {
    $("details").innerHTML = `<p class="hint">No source ${escapeHtml(key)}.</p>`;
    return;
  }
  const facts = [
    source.publisher,
    source.author && `by ${source.author}`,
    source.published ?? "undated",
    source.language,
  ].filter(Boolean);
  $("details").innerHTML = `
    <h2>${escapeHtml(sourceName(source))}</h2>
    <p class="hint">${facts.map(escapeHtml).join(" · ")} · ${source.citations.length} citation(s) marked; click one to open its relation.</p>
    <div class="article">${markedText(source.text, source.citations)}</div>`;
  for (const mark of $("details").querySelectorAll("mark[data-relation]")) {
    mark.addEventListener("click", () => select({ kind: "relation", key: mark.dataset.relation }));
  }
  const wanted = state.selection?.citation;
  const current =
    wanted &&
    [...$("details").querySelectorAll("mark")].find((m) => m.dataset.citations.split(" ").includes(wanted));
  if (current) {
    current.classList.add("current");
    current.scrollIntoView({ block: "center" });
  }
}

function showPaths() {
  if (!state.path) return;
  const [from, to] = [store.actors.get(state.path.from), store.actors.get(state.path.to)];
  const title = `${escapeHtml(from?.name ?? state.path.from)} to ${escapeHtml(to?.name ?? state.path.to)}`;
  if (paths.length === 0) {
    $("details").innerHTML = `<h2>Paths from ${title}</h2><p class="hint">No path within 6 steps.</p>`;
    return;
  }
  const steps = (path) =>
    path
      .map(
        (
          step,
        ) => `<li><strong>${escapeHtml(step.from.name)} ${step.forward ? "→" : "←"} ${escapeHtml(step.to.name)}</strong>:
        <button type="button" class="link" data-relation="${escapeHtml(step.relation.key)}">${words(step.relation.type)}</button>
        ${step.relation.contested ? '<span class="badge contested">contested</span>' : ""}
        ${step.relation.citations
          .map(
            (c) =>
              `<blockquote class="hint">“${escapeHtml(c.quote)}” — ${escapeHtml(c.speaker?.name ?? "the article itself")}, <button type="button" class="link" data-source="${escapeHtml(c.source.key)}" data-citation="${escapeHtml(c.key)}">${escapeHtml(sourceName(c.source))}</button></blockquote>`,
          )
          .join("")}</li>`,
      )
      .join("");
  $("details").innerHTML = `
    <h2>Paths from ${title}</h2>
    <p class="hint">${paths.length} shortest path(s) of ${paths[0].length} step(s), drawn in orange.</p>
    <ul class="paths">${paths.map((p, i) => `<li>Path ${i + 1}<ol>${steps(p)}</ol></li>`).join("")}</ul>`;
  wireButtons();
}

// ---------------------------------------------------------------------------------------------------------
// Actions. Changes to the graph run one after another, so that a slider moved during a load cannot interleave.

let queue = Promise.resolve();
const serially = (work) => {
  queue = queue.then(work, work).catch((error) => status(`Error: ${error.message}`));
  return queue;
};

/** Adds an actor with its neighbours; it stays shown whatever the filters. */
const expand = (key) =>
  serially(async () => {
    state.shown.add(key);
    await loadNeighbourhood(key);
    state.selection = { kind: "actor", key };
    writeUrl();
    refreshTimeControls();
    await draw();
  });

async function findPaths() {
  pathRelations.clear();
  paths = [];
  if (!state.path) return;
  const data = await graphql(
    `query ($from: String!, $to: String!) { paths(from: $from, to: $to, maxHops: 6, all: true) {
       length steps { forward from { ${actorFields} } to { ${actorFields} }
         relation { ${edgeFields} citations(limit: 20) { key quote stance speaker { name } source { ${sourceFields} } } } } } }`,
    state.path,
  );
  paths = data.paths.map((p) => p.steps);
  for (const step of paths.flat()) {
    keepActor(step.from);
    keepActor(step.to);
    keepRelation(step.relation);
    pathRelations.add(step.relation.key);
  }
}

const pathEnds = { from: null, to: null };
function setPathEnd(end, actor) {
  pathEnds[end] = actor.key;
  $(`path-${end}`).value = actor.name;
  $(`path-${end}-results`).innerHTML = "";
  $("path-find").disabled = !(pathEnds.from && pathEnds.to && pathEnds.from !== pathEnds.to);
  if (!$("path-find").disabled && end === "to") void showPath();
}
const showPath = () =>
  serially(async () => {
    state.path = { from: pathEnds.from, to: pathEnds.to };
    await findPaths();
    state.selection = { kind: "path", key: `${state.path.from},${state.path.to}` };
    writeUrl();
    await draw({ relayout: true });
  });

/** A search box: typing lists matching actors, choosing one calls `pick`. */
function searchBox(input, list, pick) {
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = input.value.trim();
      list.innerHTML = "";
      if (!query) return;
      try {
        const data = await graphql(
          `query ($q: String!) { searchActors(query: $q, first: 10) { edges { node { ${actorFields} } } } }`,
          { q: query },
        );
        for (const { node } of data.searchActors.edges) {
          const item = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = `${node.name} · ${words(node.kind)}`;
          button.addEventListener("click", () => {
            keepActor(node);
            pick(node);
          });
          item.append(button);
          list.append(item);
        }
        if (data.searchActors.edges.length === 0) list.innerHTML = "<li class=hint>No actor found.</li>";
      } catch (error) {
        list.innerHTML = `<li class=hint>${escapeHtml(error.message)}</li>`;
      }
    }, 200);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Controls.

function refreshTimeControls() {
  const domain = timeDomain();
  for (const id of ["from", "to"]) {
    $(id).min = domain.from;
    $(id).max = domain.to;
  }
  $("from").value = state.window?.from ?? domain.from;
  $("to").value = state.window?.to ?? domain.to;
  $("from-label").textContent = state.window
    ? monthText(state.window.from)
    : `${monthText(domain.from)} (all)`;
  $("to-label").textContent = state.window ? monthText(state.window.to) : `${monthText(domain.to)} (all)`;
  $("undated").value = state.undated;
}

function setWindow(from, to) {
  const domain = timeDomain();
  state.window =
    from <= domain.from && to >= domain.to ? null : { from: Math.min(from, to), to: Math.max(from, to) };
  refreshTimeControls();
  writeUrl();
  return serially(() => draw());
}

for (const id of ["from", "to"]) {
  $(id).addEventListener("input", () => {
    let [from, to] = [Number($("from").value), Number($("to").value)];
    if (from > to) [from, to] = id === "from" ? [from, from] : [to, to];
    void setWindow(from, to);
  });
}
$("all-time").addEventListener("click", () => {
  stopPlaying();
  const domain = timeDomain();
  void setWindow(domain.from, domain.to);
});
$("undated").addEventListener("change", () => {
  state.undated = $("undated").value;
  writeUrl();
  void serially(() => draw());
});

let playing = null;
function stopPlaying() {
  clearInterval(playing);
  playing = null;
  $("play").textContent = "▶ Play";
  $("play").setAttribute("aria-pressed", "false");
}
/** Play moves the time window a month at a time (a year wide when it was all time) until this month. */
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

$("isolated").addEventListener("change", () => {
  state.hideIsolated = $("isolated").checked;
  writeUrl();
  void serially(() => draw());
});
$("layout").addEventListener("change", () => {
  state.layout = $("layout").value;
  writeUrl();
  void serially(() => draw({ relayout: "fresh" }));
});
$("whole").addEventListener("click", () =>
  serially(async () => {
    state.all = true;
    await loadWholeGraph();
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
    state.open.clear();
    state.selection = null;
    paths = [];
    pathRelations.clear();
    writeUrl();
    await draw();
  }),
);
$("path-find").addEventListener("click", () => void showPath());
$("path-clear").addEventListener("click", () =>
  serially(async () => {
    state.path = null;
    paths = [];
    pathRelations.clear();
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

/** Checkboxes: one per kind (with its colour: the legend) and one per type, under family checkboxes. */
function buildFilters(actorsByKind, relationsByType) {
  for (const { key, count } of actorsByKind) {
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" value="${key}"><span class="swatch" style="--colour:${kindColours[key] ?? "#888"}"></span>${words(key)} <span class="count">(${count})</span>`;
    $("kinds").append(label);
  }
  store.allTypes = relationsByType.map((t) => t.key);
  const counts = new Map(relationsByType.map((t) => [t.key, t.count]));
  const families = Object.entries(typeFamilies).map(([name, types]) => [
    name,
    types.filter((t) => counts.has(t)),
  ]);
  const known = new Set(families.flatMap(([, types]) => types));
  families.push(["other", store.allTypes.filter((t) => !known.has(t))]);
  for (const [name, types] of families) {
    if (types.length === 0) continue;
    const family = document.createElement("div");
    family.className = "family";
    family.innerHTML = `<label><input type="checkbox" data-family="${name}"> ${name}</label><div class="members">${types
      .map(
        (t) =>
          `<label><input type="checkbox" value="${t}"> ${words(t)} <span class="count">(${counts.get(t)})</span></label>`,
      )
      .join("")}</div>`;
    $("types").append(family);
  }
  $("kinds").addEventListener("change", () => {
    const ticked = [...$("kinds").querySelectorAll("input:checked")].map((i) => i.value);
    state.kinds = ticked.length === actorsByKind.length ? null : new Set(ticked);
    writeUrl();
    void serially(() => draw({ relayout: true }));
  });
  $("types").addEventListener("change", (event) => {
    const family = event.target.dataset.family;
    if (family) {
      for (const box of event.target.closest(".family").querySelectorAll(".members input")) {
        box.checked = event.target.checked;
      }
    }
    setTypes([...$("types").querySelectorAll(".members input:checked")].map((i) => i.value));
  });
  $("types-all").addEventListener("click", () => setTypes(store.allTypes));
  $("types-none").addEventListener("click", () => setTypes([]));
}

function setTypes(ticked) {
  state.types = ticked.length === store.allTypes.length ? null : new Set(ticked);
  syncFilterBoxes();
  writeUrl();
  void serially(() => draw({ relayout: true }));
}

function syncFilterBoxes() {
  for (const box of $("kinds").querySelectorAll("input"))
    box.checked = !state.kinds || state.kinds.has(box.value);
  for (const box of $("types").querySelectorAll(".members input")) {
    box.checked = !state.types || state.types.has(box.value);
  }
  for (const family of $("types").querySelectorAll(".family")) {
    const members = [...family.querySelectorAll(".members input")];
    const head = family.querySelector("[data-family]");
    head.checked = members.every((m) => m.checked);
    head.indeterminate = !head.checked && members.some((m) => m.checked);
  }
  $("isolated").checked = state.hideIsolated;
  $("layout").value = state.layout;
}

/** Panels that fold away on narrow screens. */
function setFold(panel, open) {
  document.body.classList.toggle(`${panel}-open`, open);
  $(`toggle-${panel}`).setAttribute("aria-expanded", String(open));
}
$("toggle-controls").addEventListener("click", () =>
  setFold("controls", !document.body.classList.contains("controls-open")),
);
$("toggle-details").addEventListener("click", () =>
  setFold("details", !document.body.classList.contains("details-open")),
);

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
searchBox($("search"), $("results"), (actor) => {
  $("results").innerHTML = "";
  $("search").value = "";
  void expand(actor.key);
});
searchBox($("path-from"), $("path-from-results"), (actor) => setPathEnd("from", actor));
searchBox($("path-to"), $("path-to-results"), (actor) => setPathEnd("to", actor));

/** Opening the page restores the view its address names. */
const ready = (async () => {
  readUrl();
  const stats = await graphql("{ stats { actorsByKind { key count } relationsByType { key count } } }");
  buildFilters(stats.stats.actorsByKind, stats.stats.relationsByType);
  syncFilterBoxes();
  await serially(async () => {
    if (state.all) await loadWholeGraph();
    await Promise.all([...state.shown].map((key) => loadNeighbourhood(key)));
    if (state.path) {
      await findPaths();
      pathEnds.from = state.path.from;
      pathEnds.to = state.path.to;
      $("path-from").value = store.actors.get(state.path.from)?.name ?? state.path.from;
      $("path-to").value = store.actors.get(state.path.to)?.name ?? state.path.to;
    }
    refreshTimeControls();
    writeUrl();
    await draw();
  });
  document.body.dataset.ready = "true";
})();

// For tests and the console: the graph, the view's state, and a promise of the pending changes being drawn.
window.explorer = { cy, state, store, ready, drawn: () => drawn, idle: () => queue };
