// @ts-check
// A proposal's edit form on the review page: what the reviewer chose for each end and the speaker (a known
// actor found by search, a name the article proposes, the selected text as a new actor, or the article's own
// voice), the quote bounds taken from a selection, and all of it read back as acceptProposal's input.
import { clientKey } from "./review-session.js";
import { searchBox } from "./search.js";
import { words } from "./util.js";

/**
 * What the reviewer chose for an end ("from", "to", "speaker") or, for an ACTOR or ALIAS proposal, the actor
 * ("actor"): one of a known actor, a proposed one, a new one named by the selected text, the article's voice.
 * @typedef {{ actor?: string, proposal?: string, newName?: string, ownVoice?: boolean }} Choice
 */

/** @type {WeakMap<HTMLFormElement, Map<string, Choice>>} */
const chosen = new WeakMap();

/**
 * Wires a card's edit form: the searches, the proposed names, the selection buttons.
 * @param {HTMLFormElement} form
 * @param {() => { start: number, end: number, text: string } | null} selection the text selected in the article
 */
export function wireEditForm(form, selection) {
  /** @type {Map<string, Choice>} */
  const choices = new Map();
  chosen.set(form, choices);
  for (const fieldset of form.querySelectorAll("fieldset.end")) {
    if (!(fieldset instanceof HTMLFieldSetElement)) continue;
    const role = fieldset.dataset.role ?? "";
    const now = fieldset.querySelector("[data-now]");
    /** @param {Choice} choice @param {string} text */
    const choose = (choice, text) => {
      choices.set(role, choice);
      if (now) now.textContent = text;
    };
    const search = fieldset.querySelector("[data-search]");
    const results = fieldset.querySelector("[data-results]");
    if (search instanceof HTMLElement && results instanceof HTMLElement) {
      searchBox(search, results, (actor) => {
        results.innerHTML = "";
        choose({ actor: actor.key }, `${actor.name} (${words(actor.kind)})`);
      });
    }
    const proposed = fieldset.querySelector("[data-proposed]");
    proposed?.addEventListener("change", () => {
      if (!(proposed instanceof HTMLSelectElement) || !proposed.value) return;
      choose({ proposal: proposed.value }, `${proposed.selectedOptions[0]?.textContent ?? ""} (proposed)`);
    });
    fieldset.querySelector("[data-from-selection]")?.addEventListener("click", () => {
      const selected = selection();
      if (!selected) {
        if (now) now.textContent = "Select the name in the text first, then press this button.";
        return;
      }
      choose({ newName: selected.text }, `${selected.text} (new actor, created when you accept)`);
    });
    const ownVoice = fieldset.querySelector("[data-own-voice]");
    ownVoice?.addEventListener("change", () => {
      if (ownVoice instanceof HTMLInputElement && ownVoice.checked)
        choose({ ownVoice: true }, "the article’s own voice");
      else choices.delete(role);
    });
  }
  form.querySelector("[data-quote-selection]")?.addEventListener("click", () => {
    const selected = selection();
    const start = form.elements.namedItem("quoteStart");
    const end = form.elements.namedItem("quoteEnd");
    if (!selected || !(start instanceof HTMLInputElement) || !(end instanceof HTMLInputElement)) return;
    start.value = String(selected.start);
    end.value = String(selected.end);
  });
}

/**
 * A field's value when the reviewer changed it; undefined when it is empty or as proposed.
 * @param {HTMLFormElement} form
 * @param {string} name
 * @param {string | number | null} proposed
 */
function changed(form, name, proposed) {
  const field = form.elements.namedItem(name);
  if (!(field instanceof HTMLInputElement || field instanceof HTMLSelectElement)) return undefined;
  const value = field.value.trim();
  return value === "" || value === String(proposed ?? "") ? undefined : value;
}

/**
 * The edits of a form as acceptProposal's input (without key and clientKey). A new actor named by a selection is
 * created first, with addActor (its own write, in the history), since an end must be an actor or a proposal.
 * @param {HTMLFormElement} form
 * @param {import("./review-cards.js").Proposal} p
 * @param {(query: string, variables: Record<string, unknown>) => Promise<any>} write a GraphQL write with the key
 * @returns {Promise<Record<string, unknown>>}
 * @throws {Error} when a quote bound is not a number, or the new actor is refused
 */
export async function acceptInput(form, p, write) {
  const choices = chosen.get(form) ?? new Map();
  /** @type {Record<string, unknown>} */
  const input = {};
  for (const [name, proposed] of /** @type {[string, string | null][]} */ ([
    ["type", p.type],
    ["at", p.at],
    ["start", p.start],
    ["end", p.end],
    ["stance", p.stance],
    ["name", p.kind === "ALIAS" ? p.alias : p.name],
    ["kind", p.actorKind],
  ])) {
    const value = changed(form, name, proposed);
    if (value !== undefined) input[name] = value;
  }
  for (const [name, proposed] of /** @type {[string, number][]} */ ([
    ["quoteStart", p.quote.start],
    ["quoteEnd", p.quote.end],
  ])) {
    const value = changed(form, name, proposed);
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) throw new Error(`the quote's ${name} must be a whole number of code points`);
    input[name] = Number(value);
  }
  const actor = choices.get("actor");
  if (actor?.actor) input.actor = actor.actor;
  /** @type {Map<string, { proposal: string, kind: string }>} */
  const proposedActors = new Map();
  for (const role of /** @type {const} */ (["from", "to", "speaker"])) {
    const fieldset = form.querySelector(`fieldset.end[data-role="${role}"]`);
    if (!(fieldset instanceof HTMLFieldSetElement)) continue;
    const kindField = fieldset.querySelector("[data-kind]");
    const kind = kindField instanceof HTMLSelectElement ? kindField.value : "PERSON";
    const choice = choices.get(role);
    if (choice?.ownVoice) input.speakerIsSource = true;
    else if (choice?.actor) input[role] = choice.actor;
    else if (choice?.proposal) input[`${role}Proposal`] = choice.proposal;
    else if (choice?.newName) {
      const data = await write(
        "mutation ($input: AddActorInput!) { addActor(input: $input) { actor { key } } }",
        { input: { name: choice.newName, kind, clientKey: clientKey() } },
      );
      input[role] = data.addActor.actor.key;
    }
    const proposal = choice ? choice.proposal : p[role]?.proposal?.key;
    if (proposal && !proposedActors.has(proposal)) proposedActors.set(proposal, { proposal, kind });
  }
  if (proposedActors.size) input.proposedActors = [...proposedActors.values()];
  return input;
}
