// @ts-check
// Labels that never run over each other. Node labels come first: the layout keeps node boxes (labels included)
// apart. Each edge label is then placed, most important first, at the first of a few spots along its edge where
// its box meets no node box and no label already placed; an edge with no such spot is drawn without its label
// (its panel still names it). Cytoscape hides any label that would render smaller than its
// `min-zoomed-font-size`, so zooming out hides labels rather than shrinking them into a smudge; boxes scale
// with the zoom, so a placement without overlaps stays so at every zoom. Cytoscape.js has no label collision
// handling of its own, nor a maintained extension for it (docs/decisions/036-explorer-layout.md).

/** Where an edge's label may sit: its offset from the edge's midpoint, as a fraction of the edge, in order. */
const spots = [0, 0.14, -0.14, 0.28, -0.28, 0.4, -0.4];
/** Room kept between a label and another box, in model pixels. */
const gap = 1;
/** Zoom below which the first view does not go: node labels (10 px) render at 11 px, edge labels at 9.9 px. */
export const readableZoom = 1.1;

/** @typedef {{ x1: number, y1: number, x2: number, y2: number }} Box */

/**
 * @param {Box} a
 * @param {Box} b
 */
const overlap = (a, b) => a.x1 < b.x2 + gap && b.x1 < a.x2 + gap && a.y1 < b.y2 + gap && b.y1 < a.y2 + gap;

/**
 * A node's box with its label, in model coordinates.
 * @param {cytoscape.NodeSingular} node
 * @returns {Box}
 */
export const nodeBox = (node) => node.boundingBox({ includeLabels: true, includeOverlays: false });

/**
 * The order in which edges get their labels: selected, then on a path, then bundles of more relations, then by id
 * (so that the same view always places the same labels).
 * @param {cytoscape.EdgeSingular} a
 * @param {cytoscape.EdgeSingular} b
 */
function priority(a, b) {
  const rank = (/** @type {cytoscape.EdgeSingular} */ e) =>
    (e.selected() ? 4 : 0) + (e.hasClass("path") ? 2 : 0) + (e.hasClass("undated") ? 0 : 1);
  return rank(b) - rank(a) || b.data("count") - a.data("count") || (a.id() < b.id() ? -1 : 1);
}

/**
 * Places or hides every edge label so that no label box overlaps a node box or another label box.
 * @param {cytoscape.Core} cy
 */
export function placeEdgeLabels(cy) {
  cy.batch(() => {
    cy.edges().removeClass("label-hidden").data({ labelDx: 0, labelDy: 0 });
  });
  /** @type {Box[]} */
  const taken = cy.nodes().map(nodeBox);
  /** @type {{ edge: cytoscape.EdgeSingular, dx: number, dy: number }[]} */
  const placed = [];
  /** @type {cytoscape.EdgeSingular[]} */
  const hidden = [];
  for (const edge of cy.edges().toArray().sort(priority)) {
    const box = edge.boundingBox({
      includeNodes: false,
      includeEdges: false,
      includeLabels: true,
      includeOverlays: false,
    });
    if (!(box.w > 0)) continue;
    const from = edge.source().position();
    const to = edge.target().position();
    const spot = spots
      .map((t) => ({ dx: (to.x - from.x) * t, dy: (to.y - from.y) * t }))
      .find(({ dx, dy }) => {
        const moved = { x1: box.x1 + dx, y1: box.y1 + dy, x2: box.x2 + dx, y2: box.y2 + dy };
        return !taken.some((other) => overlap(moved, other));
      });
    if (!spot) {
      hidden.push(edge);
      continue;
    }
    taken.push({ x1: box.x1 + spot.dx, y1: box.y1 + spot.dy, x2: box.x2 + spot.dx, y2: box.y2 + spot.dy });
    placed.push({ edge, ...spot });
  }
  cy.batch(() => {
    for (const { edge, dx, dy } of placed) edge.data({ labelDx: dx, labelDy: dy });
    for (const edge of hidden) edge.addClass("label-hidden");
  });
}

/**
 * Fits the drawn graph in view, but never below `readableZoom`: a graph too large for the screen at that zoom is
 * centred on `focus` (the selected actor, else the most connected one), the rest a pan away.
 * @param {cytoscape.Core} cy
 * @param {string | null} focus an actor's key
 */
export function fitReadable(cy, focus) {
  cy.fit(undefined, 30);
  if (cy.zoom() >= readableZoom) return;
  const chosen = focus ? cy.getElementById(focus) : cy.collection();
  const centre = chosen.nonempty()
    ? chosen
    : cy
        .nodes()
        .toArray()
        .sort((a, b) => b.degree(false) - a.degree(false) || (a.id() < b.id() ? -1 : 1))[0];
  cy.zoom(readableZoom);
  if (centre) cy.center(centre);
}
