// @ts-check
// The Cytoscape graph: its style, and the elements it holds for what is drawn (one edge per pair of actors,
// unless the pair is opened or on a path).
import cytoscape from "/explorer/vendor/cytoscape.esm.min.mjs";
import { found, isPathEnd, kindColour, pairOf, state } from "./state.js";
import { $, hashOf, seededRandom, words } from "./util.js";

export const cy = cytoscape({
  container: $("graph"),
  style: [
    {
      selector: "node",
      style: {
        "background-color": "data(colour)",
        label: "data(name)",
        "font-size": 10,
        "text-wrap": "wrap",
        "text-max-width": "90",
        "text-valign": "bottom",
        "text-margin-y": 3,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.75,
        "text-background-padding": "1",
        width: "data(size)",
        height: "data(size)",
        color: "#1d2430",
        "min-zoomed-font-size": 8,
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
        "font-size": 9,
        color: "#3d4757",
        // Level labels: their boxes are tight, so that labels/placeEdgeLabels can keep them apart.
        "text-rotation": "none",
        // Cytoscape's types take numbers only here, though it maps data as for any property.
        "text-margin-x": /** @type {number} */ (/** @type {unknown} */ ("data(labelDx)")),
        "text-margin-y": /** @type {number} */ (/** @type {unknown} */ ("data(labelDy)")),
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "min-zoomed-font-size": 8,
      },
    },
    { selector: "edge.label-hidden", style: { label: "" } },
    {
      selector: "edge.bundle",
      style: {
        width: "mapData(count, 2, 20, 3, 9)",
        "target-arrow-shape": "none",
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

/**
 * The Cytoscape elements for a view: one edge per pair of actors unless the pair is opened.
 * @param {import("./state.js").View} view
 * @returns {cytoscape.ElementDefinition[]}
 */
function elementsOf(view) {
  /** @type {cytoscape.ElementDefinition[]} */
  const nodes = view.actors.map((a) => ({
    group: "nodes",
    data: {
      id: a.key,
      name: a.name,
      kind: a.kind,
      colour: kindColour(a.kind),
      size: 16 + 7 * Math.sqrt(view.degree.get(a.key) ?? 0),
      labelDx: 0,
      labelDy: 0,
    },
    classes: [state.shown.has(a.key) ? "expanded" : "", state.path && isPathEnd(a.key) ? "path" : ""].join(
      " ",
    ),
  }));
  /** @type {Map<string, import("./state.js").Relation[]>} */
  const pairs = new Map();
  for (const r of view.relations) {
    const pair = pairOf(r);
    pairs.set(pair, [...(pairs.get(pair) ?? []), r]);
  }
  /** @type {cytoscape.ElementDefinition[]} */
  const edges = [];
  for (const [pair, relations] of pairs) {
    const single =
      relations.length === 1 || state.open.has(pair) || relations.some((r) => found.relations.has(r.key));
    if (single) {
      for (const r of relations) {
        edges.push({
          group: "edges",
          data: { ...edgeData(r.key, r.from, r.to, words(r.type)), pair, count: 1 },
          classes: [
            r.contested ? "contested" : "",
            view.undated.has(r.key) ? "undated" : "",
            found.relations.has(r.key) ? "path" : "",
          ].join(" "),
        });
      }
      continue;
    }
    const types = [...new Set(relations.map((r) => words(r.type)))];
    const label = `${types.slice(0, 2).join(", ")}${types.length > 2 ? ` +${types.length - 2}` : ""} (${relations.length})`;
    const [a = "", b = ""] = pair.split("~");
    edges.push({
      group: "edges",
      data: { ...edgeData(`pair:${pair}`, a, b, label), pair, count: relations.length },
      classes: [
        "bundle",
        relations.some((r) => r.contested) ? "contested" : "",
        relations.every((r) => view.undated.has(r.key)) ? "undated" : "",
      ].join(" "),
    });
  }
  // In key order, whatever order the relations were fetched in: the layout depends on the order of elements.
  const byId = (
    /** @type {cytoscape.ElementDefinition} */ x,
    /** @type {cytoscape.ElementDefinition} */ y,
  ) => ((x.data.id ?? "") < (y.data.id ?? "") ? -1 : 1);
  return [...nodes.sort(byId), ...edges.sort(byId)];
}

/**
 * An edge's data: its ends, its label, and the label's offset that labels.js sets.
 * @param {string} id
 * @param {string} source
 * @param {string} target
 * @param {string} label
 */
const edgeData = (id, source, target, label) => ({ id, source, target, label, labelDx: 0, labelDy: 0 });

/**
 * Makes the graph hold the view's elements: removes the others, updates those it has, adds the new ones (a new
 * actor beside a drawn neighbour, so that an incremental layout keeps the picture).
 * @param {import("./state.js").View} view
 * @returns {{ wasEmpty: boolean, nodesChanged: boolean }}
 */
export function showElements(view) {
  const elements = elementsOf(view);
  const wanted = new Set(elements.map((e) => e.data.id));
  const before = new Set(cy.nodes().map((n) => n.id()));
  cy.batch(() => {
    cy.elements()
      .filter((e) => !wanted.has(e.id()))
      .remove();
    for (const element of elements) {
      const id = element.data.id ?? "";
      const existing = cy.getElementById(id);
      if (existing.nonempty()) {
        existing.data(element.data);
        existing.classes(element.classes ?? "");
        continue;
      }
      if (element.group === "nodes") {
        const near = view.relations
          .filter((r) => r.from === id || r.to === id)
          .map((r) => cy.getElementById(r.from === id ? r.to : r.from))
          .find((n) => n.nonempty());
        if (near) {
          // Beside it, at a spot drawn from its key: the same additions give the same picture.
          const p = near.position();
          const random = seededRandom(hashOf(id));
          element.position = { x: p.x + random() * 40 - 20, y: p.y + random() * 40 - 20 };
        }
      }
      cy.add(element);
    }
  });
  const nodesChanged =
    cy.nodes().length !== before.size ||
    cy
      .nodes()
      .toArray()
      .some((n) => !before.has(n.id()));
  return { wasEmpty: before.size === 0, nodesChanged };
}
