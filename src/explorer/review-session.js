// @ts-check
// The review page's session: the editor key (typed into the page, kept in sessionStorage for this tab only),
// the writes that send it, and the one action at a time the page runs, with its outcome in the status line.
import { graphql } from "./api.js";
import { $, element } from "./util.js";

/** sessionStorage's name for the editor key: the tab's session only, never localStorage or a cookie. */
const keyItem = "actor-graph-editor-key";

const apiKey = () => sessionStorage.getItem(keyItem) ?? "";

/**
 * A GraphQL write with the editor key; refused here, before any request, when no key was entered.
 * @param {string} query
 * @param {Record<string, unknown>} variables
 * @returns {Promise<any>} the answer's `data`
 * @throws {Error} without a key, or with the answer's errors
 */
export async function write(query, variables) {
  if (!apiKey()) throw new Error("Enter an editor key first: writing needs one.");
  return graphql(query, variables, apiKey());
}

/** A client key for one write: a retry of the same request replays it, a new action is a new write. */
export const clientKey = () => `review-${crypto.randomUUID()}`;

/**
 * The status line (a live region).
 * @param {string} text
 */
export const say = (text) => {
  $("review-status").textContent = text;
};

let running = false;
/** Whether an action is running. */
export const busy = () => running;

/**
 * Runs an action unless one is running (a double press is one write), saying its error if it fails.
 * @param {() => Promise<void>} action
 */
export async function act(action) {
  if (running) return;
  running = true;
  document.body.setAttribute("aria-busy", "true");
  try {
    await action();
  } catch (error) {
    say(`Not done: ${error instanceof Error ? error.message : error}`);
  } finally {
    running = false;
    document.body.removeAttribute("aria-busy");
  }
}

function showKeyState() {
  $("key-state").textContent = apiKey()
    ? "A key is set for this tab: Accept and Reject write with it. Closing the tab forgets it."
    : "Writing needs an editor's key (npm run api-key -- create NAME editor). It is kept for this browser tab only (sessionStorage).";
}

/** Wires the key's form: "Use this key" keeps it for the tab, "Forget it" removes it. */
export function wireKey() {
  showKeyState();
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = element("api-key", HTMLInputElement).value.trim();
    if (key) sessionStorage.setItem(keyItem, key);
    element("api-key", HTMLInputElement).value = "";
    showKeyState();
  });
  $("forget-key").addEventListener("click", () => {
    sessionStorage.removeItem(keyItem);
    showKeyState();
  });
}
