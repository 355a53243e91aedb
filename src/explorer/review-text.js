// @ts-check
// The review page's article: its text with every mention marked (known actors in their kind's colour, proposed
// new ones apart, the current proposal's quote), and the reader's selection as code-point offsets of the text,
// the unit every quote of the API is in.
import { kindColour } from "./state.js";
import { escapeHtml, words } from "./util.js";

/** @typedef {{ start: number, end: number }} Span */
/** @typedef {Span & { actor: { key: string, name: string, kind: string } }} Mention */
/** @typedef {Span & { key: string, name: string }} ProposedName */

/**
 * The text as HTML: cut at every mark's bounds, each piece a `<span data-at>` holding its first code point's
 * offset, with the classes (and, for a known actor, the colour and name) of the marks over it.
 * @param {string} text
 * @param {{ mentions: Mention[], proposed: ProposedName[], quote: Span | null }} marks
 * @returns {string}
 */
export function markedText(text, { mentions, proposed, quote }) {
  const points = [...text];
  /** @type {Set<number>} */
  const cuts = new Set([0, points.length]);
  for (const s of [...mentions, ...proposed, ...(quote ? [quote] : [])]) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const bounds = [...cuts].filter((c) => c >= 0 && c <= points.length).sort((a, b) => a - b);
  /** @param {number} at @param {Span} s */
  const covers = (at, s) => s.start <= at && at < s.end;
  let html = "";
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [start, end] = [bounds[i] ?? 0, bounds[i + 1] ?? 0];
    const piece = escapeHtml(points.slice(start, end).join(""));
    const mention = mentions.find((m) => covers(start, m));
    const name = proposed.find((p) => covers(start, p));
    const classes = [
      mention ? "mention" : "",
      name ? "proposed" : "",
      quote && covers(start, quote) ? "quote" : "",
    ].filter(Boolean);
    const style = mention ? ` style="--kind: ${escapeHtml(kindColour(mention.actor.kind))}"` : "";
    const title = mention
      ? ` title="${escapeHtml(`${mention.actor.name} · ${words(mention.actor.kind)}`)}"`
      : name
        ? ` title="${escapeHtml(`proposed new actor: ${name.name}`)}"`
        : "";
    html += `<span data-at="${start}"${classes.length ? ` class="${classes.join(" ")}"` : ""}${style}${title}>${piece}</span>`;
  }
  return html;
}

/**
 * The code-point offset in the text of a point of the DOM inside `view` (a node and an offset in it).
 * @param {HTMLElement} view
 * @param {Node} node
 * @param {number} offset UTF-16 units into a text node, or a child index into an element
 * @returns {number | null} null when the point is not in the text
 */
function offsetOf(view, node, offset) {
  if (node.nodeType === Node.TEXT_NODE) {
    const piece = node.parentElement?.closest("[data-at]");
    if (!(piece instanceof HTMLElement) || !view.contains(piece)) return null;
    return Number(piece.dataset.at) + [...(node.textContent ?? "").slice(0, offset)].length;
  }
  if (!(node instanceof Element) || !view.contains(node)) return null;
  const pieces = [...view.querySelectorAll("[data-at]")];
  const child = node.childNodes[offset];
  // A point between elements: the piece it is before, or the text's end.
  const next =
    child instanceof Element ? (child.closest("[data-at]") ?? child.querySelector("[data-at]")) : null;
  if (next instanceof HTMLElement) return Number(next.dataset.at);
  const last = pieces.at(-1);
  return last instanceof HTMLElement ? Number(last.dataset.at) + [...(last.textContent ?? "")].length : null;
}

/**
 * The selected part of the text shown in `view`, in code points, spaces around it left out; null when nothing of
 * it is selected.
 * @param {HTMLElement} view
 * @returns {(Span & { text: string }) | null}
 */
export function selectionIn(view) {
  const selection = getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  let start = offsetOf(view, range.startContainer, range.startOffset);
  let end = offsetOf(view, range.endContainer, range.endOffset);
  if (start === null || end === null || start >= end) return null;
  const points = [...(view.textContent ?? "")];
  while (start < end && /\s/u.test(points[start] ?? "")) start++;
  while (end > start && /\s/u.test(points[end - 1] ?? "")) end--;
  return start < end ? { start, end, text: points.slice(start, end).join("") } : null;
}
