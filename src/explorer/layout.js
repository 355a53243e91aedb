// @ts-check
// Layouts: the extensions (fCoSE, Cola) loaded from this server, each layout's options, and the last pass that
// moves overlapping nodes apart.
import cytoscape from "/explorer/vendor/cytoscape.esm.min.mjs";
import { hashOf, seededRandom } from "./util.js";

/** The layouts the view offers, as the layout menu names them. */
export const layouts = ["fcose", "cola", "concentric", "circle", "breadthfirst"];

/**
 * Loads a classic script (the layout extensions' browser builds set globals) from this server.
 * @param {string} src
 * @returns {Promise<unknown>}
 */
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

/**
 * Layout options: every one sizes nodes with their labels, so that labels take room and do not overlap.
 * @param {string} name one of `layouts`; fCoSE for any other
 * @param {boolean} randomize whether to start from random positions rather than the current ones
 * @returns {cytoscape.LayoutOptions}
 */
function layoutOptions(name, randomize) {
  const common = { animate: false, fit: true, padding: 30, nodeDimensionsIncludeLabels: true };
  switch (name) {
    case "cola":
      // The extensions' options are not in Cytoscape's types.
      return /** @type {cytoscape.LayoutOptions} */ ({
        ...common,
        name: "cola",
        avoidOverlap: true,
        randomize,
        maxSimulationTime: 1500,
        edgeLength: 90,
      });
    case "concentric":
      return {
        ...common,
        name: "concentric",
        concentric: (node) => node.degree(false),
        levelWidth: () => 2,
        avoidOverlap: true,
        minNodeSpacing: 12,
      };
    case "circle":
      return { ...common, name: "circle", avoidOverlap: true };
    case "breadthfirst":
      return { ...common, name: "breadthfirst", avoidOverlap: true, spacingFactor: 1.1 };
    default:
      return /** @type {cytoscape.LayoutOptions} */ ({
        ...common,
        name: "fcose",
        quality: "proof",
        randomize,
        nodeRepulsion: () => 9000,
        idealEdgeLength: (/** @type {cytoscape.EdgeSingular} */ edge) =>
          70 + 10 * Math.min(edge.data("count"), 6),
        nodeSeparation: 90,
        packComponents: true,
        numIter: 5000,
      });
  }
}

/**
 * Moves nodes apart until no two label-and-node boxes overlap (fCoSE spaces them, but does not promise it).
 * @param {cytoscape.Core} cy
 */
function removeOverlaps(cy) {
  const nodes = cy.nodes().toArray();
  const gap = 4;
  /** @param {cytoscape.NodeSingular} n */
  const box = (n) => n.boundingBox({ includeLabels: true, includeOverlays: false });
  for (let round = 0; round < 60; round++) {
    let moved = false;
    const boxes = nodes.map(box);
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const [a, b, ni, nj] = [boxes[i], boxes[j], nodes[i], nodes[j]];
        if (!a || !b || !ni || !nj) continue;
        const dx = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + gap;
        const dy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + gap;
        if (dx <= 0 || dy <= 0) continue;
        moved = true;
        // Push apart along the axis of least overlap, half each.
        const [pi, pj] = [ni.position(), nj.position()];
        if (dx < dy) {
          const shift = ((pi.x <= pj.x ? -1 : 1) * dx) / 2;
          ni.position({ x: pi.x + shift, y: pi.y });
          nj.position({ x: pj.x - shift, y: pj.y });
        } else {
          const shift = ((pi.y <= pj.y ? -1 : 1) * dy) / 2;
          ni.position({ x: pi.x, y: pi.y + shift });
          nj.position({ x: pj.x, y: pj.y - shift });
        }
        boxes[i] = box(ni);
        boxes[j] = box(nj);
      }
    }
    if (!moved) return;
  }
}

/**
 * Lays the graph out, once the extensions are loaded, then moves overlapping nodes apart.
 * @param {cytoscape.Core} cy
 * @param {string} name one of `layouts`
 * @param {boolean} randomize
 */
export async function runLayout(cy, name, randomize) {
  await extensions;
  if (cy.nodes().length === 0) return;
  const layout = cy.layout(layoutOptions(name, randomize));
  const done = layout.promiseOn("layoutstop");
  // fCoSE has no seed option and draws its start (and some choices) from Math.random: for the run, which is
  // synchronous, Math.random is a generator seeded from the drawn actors, so the same view gives the same
  // picture at every load (docs/decisions/036-explorer-layout.md).
  const random = Math.random;
  const drawnKeys = cy.nodes().map((n) => n.id());
  Math.random = seededRandom(hashOf(drawnKeys.join(" ")));
  try {
    layout.run();
  } finally {
    Math.random = random;
  }
  await done;
  removeOverlaps(cy);
}
