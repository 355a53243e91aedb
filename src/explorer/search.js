// @ts-check
// The search boxes: typing lists matching actors; choosing one keeps it and hands it on.
import { searchActors } from "./api.js";
import { keepActor } from "./state.js";
import { escapeHtml, words } from "./util.js";

/** Wait after the last key before searching, in milliseconds. */
const typingPauseMs = 200;

/**
 * A search box: typing lists matching actors, choosing one calls `pick`.
 * @param {HTMLElement} input the search field
 * @param {HTMLElement} list where the matches are listed
 * @param {(actor: import("./state.js").Actor) => void} pick
 */
export function searchBox(input, list, pick) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = input instanceof HTMLInputElement ? input.value.trim() : "";
      list.innerHTML = "";
      if (!query) return;
      try {
        const actors = await searchActors(query);
        for (const actor of actors) {
          const item = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = `${actor.name} · ${words(actor.kind)}`;
          button.addEventListener("click", () => {
            keepActor(actor);
            pick(actor);
          });
          item.append(button);
          list.append(item);
        }
        if (actors.length === 0) list.innerHTML = "<li class=hint>No actor found.</li>";
      } catch (error) {
        list.innerHTML = `<li class=hint>${escapeHtml(error instanceof Error ? error.message : error)}</li>`;
      }
    }, typingPauseMs);
  });
}
