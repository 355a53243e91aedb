// @ts-check
// Helpers shared by the explorer's modules: the page's elements, labels, HTML escaping, months.

/**
 * The page's element with this id, checked to be of `type`.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type for example HTMLInputElement
 * @returns {T}
 * @throws {Error} when the page has no such element, or one of another type (page and script out of step)
 */
export function element(id, type) {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return found;
}

/**
 * The page's element with this id.
 * @param {string} id
 * @returns {HTMLElement}
 */
export const $ = (id) => element(id, HTMLElement);

/**
 * A vocabulary key in words: `ARMS_SUPPLY` → `arms supply`.
 * @param {string} key
 */
export const words = (key) => key.toLowerCase().replaceAll("_", " ");

/** @type {Record<string, string>} */
const entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/**
 * Text made safe to place in HTML, as content or as a quoted attribute value.
 * @param {unknown} text
 */
export const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => entities[c] ?? c);

// Time: months as integers (year * 12 + month - 1), so that the sliders move a month at a time.

/**
 * The month of a day or month written `YYYY-MM…`.
 * @param {string} day
 */
export const monthOf = (day) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
/**
 * A month as `YYYY-MM`.
 * @param {number} month
 */
export const monthText = (month) => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}`;

/**
 * A 32-bit hash of a text (FNV-1a over its UTF-16 code units).
 * @param {string} text
 */
export function hashOf(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Numbers in [0, 1) drawn from `seed` (mulberry32): the same seed gives the same numbers.
 * @param {number} seed
 * @returns {() => number}
 */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
