// @ts-check
// The review page's proposals: each as a card (what it would add, its quote, confidence, producer and that
// producer's measured precision, speaker, stance, status, and its Accept, Edit and Reject buttons), grouped by
// sentence; and each card's edit form, read back into acceptProposal's input.
import { escapeHtml, words } from "./util.js";

/** @typedef {{ key: string, name: string, kind: string }} ActorLink */
/** @typedef {{ actor: ActorLink | null, proposal: { key: string, name: string } | null }} ProposalEnd */
/**
 * A proposal as the page reads it (the API's Proposal, the fields the page shows).
 * @typedef {{ key: string, kind: "ACTOR" | "ALIAS" | "RELATION" | "CITATION", status: string, confidence: number,
 *   stage: string, rule: string, sentence: number,
 *   quote: { start: number, end: number, text: string, before: string, after: string },
 *   name: string | null, actorKind: string | null, sameAs: ActorLink[], actor: ActorLink | null, alias: string | null,
 *   type: string | null, from: ProposalEnd | null, to: ProposalEnd | null, at: string | null, start: string | null,
 *   end: string | null, relation: { key: string, type: string, from: { name: string }, to: { name: string } } | null,
 *   speaker: ProposalEnd | null, stance: string | null,
 *   measuredPrecision: { proposed: number, correct: number, precision: number } | null,
 *   acceptedKey: string | null, reason: string | null }} Proposal
 */
/** @typedef {{ kinds: string[], types: string[], stances: string[] }} Choices */

/**
 * An end or speaker in words.
 * @param {ProposalEnd | null} end
 */
export const endName = (end) =>
  end?.actor ? end.actor.name : end?.proposal ? `${end.proposal.name} (new)` : "—";

/**
 * What a proposal would add, in a line.
 * @param {Proposal} p
 */
export function headline(p) {
  switch (p.kind) {
    case "ACTOR":
      return `New actor: ${p.name} (${words(p.actorKind ?? "")}?)`;
    case "ALIAS":
      return `New name “${p.alias}” for ${p.actor?.name ?? "?"}`;
    case "RELATION":
      return `${endName(p.from)} → ${endName(p.to)}: ${words(p.type ?? "")}`;
    case "CITATION":
      return `Cites ${p.relation ? `${p.relation.from.name} → ${p.relation.to.name}: ${words(p.relation.type)}` : "a relation"}`;
  }
}

/**
 * The producer's measured precision in words.
 * @param {Proposal} p
 */
const measured = (p) =>
  p.measuredPrecision
    ? `measured ${Math.round(p.measuredPrecision.precision * 100)} % right (${p.measuredPrecision.correct} of ${p.measuredPrecision.proposed} on the seed)`
    : "not measured on the seed";

/**
 * A card's HTML.
 * @param {Proposal} p
 * @param {boolean} current whether it is the one the keys act on
 */
function card(p, current) {
  const id = escapeHtml(p.key);
  const pending = p.status === "PENDING";
  const voiced = p.kind === "RELATION" || p.kind === "CITATION";
  const voice = voiced
    ? ` · speaker: ${escapeHtml(p.speaker ? endName(p.speaker) : "the article’s own voice")} · stance: ${escapeHtml(words(p.stance ?? ""))}`
    : "";
  const dates = [p.at && `at ${p.at}`, p.start && `from ${p.start}`, p.end && `until ${p.end}`].filter(
    Boolean,
  );
  const sameAs = p.sameAs.length ? ` · close to ${p.sameAs.map((a) => escapeHtml(a.name)).join(", ")}` : "";
  const decided = pending
    ? ""
    : `<p class="decided">${escapeHtml(words(p.status))}${p.reason ? `: ${escapeHtml(p.reason)}` : ""}${
        p.status === "ACCEPTED" && p.acceptedKey ? ` · ${escapeHtml(p.acceptedKey)}` : ""
      }</p>`;
  return `<article class="proposal status-${p.status}${current ? " current" : ""}" id="p-${id}" data-key="${id}"
      tabindex="-1" aria-labelledby="h-${id}"${current ? ' aria-current="true"' : ""}>
    <h4 id="h-${id}"><span class="kind">${p.kind.toLowerCase()}</span> ${escapeHtml(headline(p))}</h4>
    <blockquote>…${escapeHtml(p.quote.before)}<mark>${escapeHtml(p.quote.text)}</mark>${escapeHtml(p.quote.after)}…</blockquote>
    <p class="meta">confidence ${p.confidence.toFixed(2)} · by ${escapeHtml(`${p.stage.toLowerCase()} ${p.rule}`)},
      <span class="precision">${escapeHtml(measured(p))}</span>${voice}${dates.length ? ` · ${escapeHtml(dates.join(", "))}` : ""}${sameAs}</p>
    ${decided}
    <p class="actions">${
      pending
        ? `<button type="button" data-act="accept" aria-describedby="h-${id}">Accept</button>
      <button type="button" data-act="edit" aria-describedby="h-${id}" aria-expanded="false">Edit</button>
      <button type="button" data-act="reject" aria-describedby="h-${id}">Reject</button>`
        : p.status === "REJECTED"
          ? `<button type="button" data-act="reopen" aria-describedby="h-${id}">Reopen</button>`
          : ""
    }</p>
  </article>`;
}

/**
 * The proposals as cards grouped by sentence, in sentence then key order.
 * @param {Proposal[]} proposals
 * @param {string | null} current
 */
export function cardsHtml(proposals, current) {
  if (proposals.length === 0) return '<p class="hint">No proposal matches.</p>';
  /** @type {Map<number, Proposal[]>} */
  const bySentence = new Map();
  for (const p of proposals) bySentence.set(p.sentence, [...(bySentence.get(p.sentence) ?? []), p]);
  return [...bySentence]
    .sort(([a], [b]) => a - b)
    .map(
      ([sentence, list]) => `<section class="sentence" aria-labelledby="s-${sentence}">
        <h3 id="s-${sentence}">Sentence ${sentence + 1}</h3>${list.map((p) => card(p, p.key === current)).join("")}</section>`,
    )
    .join("");
}

/**
 * Options of a select, the current value chosen.
 * @param {string[]} values
 * @param {string | null} chosen
 */
const options = (values, chosen) =>
  values
    .map(
      (v) =>
        `<option value="${escapeHtml(v)}"${v === chosen ? " selected" : ""}>${escapeHtml(words(v))}</option>`,
    )
    .join("");

/**
 * An end's (or the speaker's) editor: what it is now, a known actor to search, a name the article proposes, or
 * the selected text as a new actor of a kind.
 * @param {string} role "from", "to" or "speaker"
 * @param {string} legend
 * @param {ProposalEnd | null} now
 * @param {Proposal[]} names the source's ACTOR proposals not rejected
 * @param {Choices} choices
 */
function endEditor(role, legend, now, names, choices) {
  const guess = now?.proposal ? names.find((n) => n.key === now.proposal?.key)?.actorKind : null;
  return `<fieldset class="end" data-role="${role}"><legend>${legend}</legend>
    <p class="now">Now: <strong data-now>${escapeHtml(role === "speaker" && !now ? "the article’s own voice" : endName(now))}</strong></p>
    <label>A known actor <input type="search" data-search placeholder="Search…" autocomplete="off"></label>
    <ul class="results" data-results></ul>
    <label>Or a name this article proposes <select data-proposed><option value="">—</option>${names
      .map((n) => `<option value="${escapeHtml(n.key)}">${escapeHtml(n.name ?? "")}</option>`)
      .join("")}</select></label>
    <p class="row"><button type="button" data-from-selection>New actor: the selected text</button>
      <label class="inline">its kind <select data-kind>${options(choices.kinds, guess ?? "PERSON")}</select></label></p>
    ${role === "speaker" ? '<label class="inline"><input type="checkbox" data-own-voice> the article’s own voice</label>' : ""}
  </fieldset>`;
}

/**
 * A proposal's edit form: the fields its kind can change.
 * @param {Proposal} p
 * @param {Proposal[]} names the source's ACTOR proposals not rejected
 * @param {Choices} choices
 */
export function editForm(p, names, choices) {
  /** @param {string} name @param {string} label @param {string | null} value @param {string} [type] */
  const field = (name, label, value, type = "text") =>
    `<label>${label} <input name="${name}" type="${type}" value="${escapeHtml(value ?? "")}"></label>`;
  const quote = `<fieldset><legend>Quote (code points)</legend>
      ${field("quoteStart", "Start", String(p.quote.start), "number")} ${field("quoteEnd", "End", String(p.quote.end), "number")}
      <button type="button" data-quote-selection>Use the selected text</button></fieldset>`;
  const voice = `${endEditor("speaker", "Speaker", p.speaker, names, choices)}
      <label>Stance <select name="stance">${options(choices.stances, p.stance)}</select></label>`;
  let body = "";
  if (p.kind === "ACTOR") {
    body = `${field("name", "Name", p.name)}
      <label>Kind <select name="kind">${options(choices.kinds, p.actorKind)}</select></label>
      <fieldset class="end" data-role="actor"><legend>Or it is a known actor</legend>
        <p class="now">Now: <strong data-now>a new actor</strong></p>
        <label>Search <input type="search" data-search autocomplete="off"></label><ul class="results" data-results></ul></fieldset>`;
  } else if (p.kind === "ALIAS") {
    body = `${field("name", "Alias", p.alias)}
      <fieldset class="end" data-role="actor"><legend>Of</legend>
        <p class="now">Now: <strong data-now>${escapeHtml(p.actor?.name ?? "")}</strong></p>
        <label>Search <input type="search" data-search autocomplete="off"></label><ul class="results" data-results></ul></fieldset>`;
  } else if (p.kind === "RELATION") {
    body = `<label>Type <select name="type">${options(choices.types, p.type)}</select></label>
      ${endEditor("from", "From", p.from, names, choices)}${endEditor("to", "To", p.to, names, choices)}
      <div class="fields">${field("at", "At", p.at)}${field("start", "Start", p.start)}${field("end", "End", p.end)}</div>
      ${voice}${quote}`;
  } else {
    body = `${voice}${quote}`;
  }
  return `<form class="edit" aria-label="Edit ${escapeHtml(headline(p))}">${body}
    <p class="row"><button type="submit">Accept with these edits</button> <button type="button" data-act="cancel">Cancel</button></p></form>`;
}
