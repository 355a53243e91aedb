// The globals the vendored browser builds (UMD) of the layout extensions set, and the page's handle for tests.
import type { Ext } from "cytoscape";

declare global {
  interface Window {
    /** WebCola (cola.min.js). */
    cola: unknown;
    /** WebCola under the name cytoscape-cola's browser build looks for. */
    webcola: unknown;
    cytoscapeFcose: Ext;
    cytoscapeCola: Ext;
    /** The graph, the view's state and promises of it being drawn, for tests and the console. */
    explorer: unknown;
    /** The review page's state and its opening, for tests and the console. */
    review: unknown;
  }
}
