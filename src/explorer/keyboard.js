// @ts-check
// The graph with the keyboard alone: once it has the focus, arrow keys move the selection to the nearest actor in
// that direction, Enter adds the selected actor's neighbours (or, when they are drawn, moves to its details),
// Escape clears the selection, + and − zoom, 0 fits.
import { state } from "./state.js";

/** How much one + or − zooms. */
const zoomStep = 1.25;

/**
 * The nearest node from `from` in the direction (dx, dy), within 60° either side of it; none when there is none.
 * @param {cytoscape.Core} cy
 * @param {cytoscape.NodeSingular} from
 * @param {number} dx
 * @param {number} dy
 */
function nearestToward(cy, from, dx, dy) {
  const p = from.position();
  let best = /** @type {cytoscape.NodeSingular | undefined} */ (undefined);
  let bestScore = Number.POSITIVE_INFINITY;
  for (const node of cy.nodes().toArray()) {
    if (node.same(from)) continue;
    const q = node.position();
    const along = (q.x - p.x) * dx + (q.y - p.y) * dy;
    const across = Math.abs((q.x - p.x) * dy - (q.y - p.y) * dx);
    if (along <= 0 || across > along * Math.sqrt(3)) continue;
    // Straight ahead counts more than off to the side.
    const score = along + 2 * across;
    if (score < bestScore) [best, bestScore] = [node, score];
  }
  return best;
}

/** @type {Record<string, [number, number]>} */
const directions = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * Makes the graph's container focusable and wires its keys.
 * @param {cytoscape.Core} cy
 * @param {{ selectActor: (key: string | null) => void, expand: (key: string) => unknown }} actions
 *   `selectActor` selects an actor (null: nothing); `expand` adds its neighbours
 */
export function wireGraphKeys(cy, { selectActor, expand }) {
  const container = cy.container();
  if (!container) return;
  // Focusable once its keys work.
  container.tabIndex = 0;
  container.addEventListener("keydown", (event) => {
    const selected = state.selection?.kind === "actor" ? cy.getElementById(state.selection.key) : null;
    const direction = directions[event.key];
    if (direction) {
      // From the selected actor, else from the most connected one.
      const next =
        selected?.nonempty() && selected.isNode()
          ? nearestToward(cy, selected, ...direction)
          : cy
              .nodes()
              .toArray()
              .sort((a, b) => b.degree(false) - a.degree(false) || (a.id() < b.id() ? -1 : 1))[0];
      if (next) {
        selectActor(next.id());
        // Keep it in view.
        const box = next.renderedBoundingBox({ includeLabels: true });
        if (box.x1 < 0 || box.y1 < 0 || box.x2 > cy.width() || box.y2 > cy.height()) cy.center(next);
      }
    } else if (event.key === "Enter" && selected?.nonempty()) {
      // An actor not yet expanded gets its neighbours; an expanded one is read in the details.
      if (state.all || state.shown.has(selected.id())) document.getElementById("details")?.focus();
      else void expand(selected.id());
    } else if (event.key === "Escape") {
      selectActor(null);
    } else if (event.key === "+" || event.key === "=" || event.key === "-" || event.key === "−") {
      const factor = event.key === "-" || event.key === "−" ? 1 / zoomStep : zoomStep;
      cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    } else if (event.key === "0") {
      cy.fit(undefined, 30);
    } else {
      return;
    }
    event.preventDefault();
  });
}
