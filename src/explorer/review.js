// @ts-check
// The review page (/review): an article stored and taken in (pasted, uploaded, or a stored source), its text with
// every mention marked, and intake's proposals beside it, to accept (with edits), reject or reopen one by one, by
// filter, or by key. It uses the same GraphQL API as every client: writes send the editor key entered here, kept in
// sessionStorage for this tab only. Accepted relations are in the graph at once: /?source=KEY draws them.
import { graphql } from "./api.js";
import { cardsHtml, editForm } from "./review-cards.js";
import { acceptInput, wireEditForm } from "./review-edit.js";
import { wireIntake } from "./review-intake.js";
import { act, busy, clientKey, say, wireKey, write } from "./review-session.js";
import { markedText, selectionIn } from "./review-text.js";
import { store } from "./state.js";
import { $, element, escapeHtml } from "./util.js";

/** @typedef {import("./review-cards.js").Proposal} Proposal */

/** The API's limits: proposals per page, per intake, and per bulk decision. */
const pageSize = 50;
const proposalsMax = 2000;
const perDecision = 100;

const endFields = "actor { key name kind } proposal { key name }";
const proposalFields = `key kind status confidence stage rule sentence quote { start end text before after }
  name actorKind sameAs { key name kind } actor { key name kind } alias type from { ${endFields} } to { ${endFields} }
  at start end relation { key type from { name } to { name } } speaker { ${endFields} } stance
  measuredPrecision { proposed correct precision } acceptedKey reason`;

const review = {
  /** @type {{ key: string, title: string | null, text: string, mentions: import("./review-text.js").Mention[] } | null} */
  source: null,
  /** The source's proposals, but those superseded. @type {Proposal[]} */
  proposals: [],
  /** The proposal the keys act on. @type {string | null} */
  current: null,
  /** What the undo button reopens. @type {string[]} */
  undo: [],
  /** @type {import("./review-cards.js").Choices} */
  choices: { kinds: [], types: [], stances: [] },
};

/** Loads a source's text, mentions and proposals, and shows them. @param {string} key */
async function openSource(key) {
  const data = await graphql(
    `query ($key: String!) { source(key: $key) { key title text
       mentions(limit: 1000) { start end actor { key name kind } } } }`,
    { key },
  );
  if (!data.source) throw new Error(`there is no source ${key}`);
  review.source = data.source;
  review.current = null;
  element("graph-link", HTMLAnchorElement).href = `/?source=${encodeURIComponent(key)}`;
  $("graph-link").hidden = false;
  element("intake-fold", HTMLDetailsElement).open = false;
  await loadProposals();
}

/** Reads every proposal of the source again (statuses change with each decision), page by page. */
async function loadProposals() {
  if (!review.source) return;
  /** @type {Proposal[]} */
  const all = [];
  /** @type {string | null} */
  let after = null;
  while (all.length < proposalsMax) {
    const data = await graphql(
      `query ($source: String!, $first: Int, $after: String) { proposals(source: $source, first: $first, after: $after) {
         edges { node { ${proposalFields} } } pageInfo { hasNextPage endCursor } } }`,
      { source: review.source.key, first: pageSize, after },
    );
    all.push(...data.proposals.edges.map((/** @type {{ node: Proposal }} */ e) => e.node));
    if (!data.proposals.pageInfo.hasNextPage) break;
    after = data.proposals.pageInfo.endCursor;
  }
  review.proposals = all.filter((p) => p.status !== "SUPERSEDED");
  render();
}

/** The proposals the filter lets through. */
function shown() {
  const status = element("f-status", HTMLSelectElement).value;
  const kind = element("f-kind", HTMLSelectElement).value;
  const below = element("f-below", HTMLInputElement).value;
  return review.proposals.filter(
    (p) =>
      (!status || p.status === status) &&
      (!kind || p.kind === kind) &&
      (below === "" || p.confidence < Number(below)),
  );
}

/** The ACTOR proposals not rejected: the names an end can be made. */
const names = () => review.proposals.filter((p) => p.kind === "ACTOR" && p.status !== "REJECTED");

/** Draws the text with its marks, the current proposal's quote among them. */
function markText() {
  if (!review.source) return;
  const current = review.proposals.find((p) => p.key === review.current);
  $("text-view").innerHTML = markedText(review.source.text, {
    mentions: review.source.mentions,
    proposed: names().map((p) => ({ key: p.key, name: p.name ?? "", ...p.quote })),
    quote: current ? current.quote : null,
  });
  // Only the text's own box scrolls to the quote: scrolling the page would move a card from under a press.
  const view = $("text-view");
  const quote = view.querySelector(".quote");
  if (!quote) return;
  const [box, mark] = [view.getBoundingClientRect(), quote.getBoundingClientRect()];
  if (mark.top < box.top || mark.bottom > box.bottom) view.scrollTop += mark.top - box.top - box.height / 3;
}

/** Draws the text, the counter and the cards; keeps the current card current (or the first shown). */
function render() {
  if (!review.source) return;
  const pending = review.proposals.filter((p) => p.status === "PENDING").length;
  $("left").textContent = `· ${pending} left of ${review.proposals.length}`;
  const list = shown();
  if (!list.some((p) => p.key === review.current)) review.current = list[0]?.key ?? null;
  $("list").innerHTML = cardsHtml(list, review.current);
  markText();
}

/**
 * Makes a card current: marks its quote in the text and focuses it.
 * @param {string | null} key
 */
function setCurrent(key) {
  review.current = key;
  render();
  if (key) document.getElementById(`p-${key}`)?.focus();
}

/** Moves the current card by `step` among those shown. @param {number} step */
function move(step) {
  const list = shown();
  const at = list.findIndex((p) => p.key === review.current);
  const next = list[Math.min(list.length - 1, Math.max(0, at + step))];
  if (next) setCurrent(next.key);
}

/** After a decision: the next pending card shown after `key`, else the first. @param {string} key */
function nextAfter(key) {
  const list = shown();
  const at = list.findIndex((p) => p.key === key);
  return (
    list.slice(at + 1).find((p) => p.status === "PENDING")?.key ??
    list.find((p) => p.status === "PENDING" && p.key !== key)?.key ??
    null
  );
}

/**
 * Accepts a proposal, with edits when a form gives them.
 * @param {Proposal} p
 * @param {HTMLFormElement | null} form
 */
async function accept(p, form) {
  const next = nextAfter(p.key);
  const input = form ? await acceptInput(form, p, write) : {};
  const data = await write(
    `mutation ($input: AcceptProposalInput!) { acceptProposal(input: $input) {
       relation { key } actor { key name } citations createdActors { key name } citedExisting decided { key } } }`,
    { input: { key: p.key, ...input, clientKey: clientKey() } },
  );
  const done = data.acceptProposal;
  const wrote = done.relation
    ? `${done.citedExisting ? "cited" : "wrote"} ${done.relation.key} with its quote`
    : `wrote ${done.actor?.name ?? "the actor"}`;
  const created = done.createdActors.map((/** @type {{ name: string }} */ a) => a.name);
  review.undo = [];
  await loadProposals();
  setCurrent(next);
  say(
    `Accepted: ${wrote}${created.length ? `; new actor ${created.join(", ")}` : ""}. It is in the graph now; an acceptance cannot be undone here (retract it through GraphQL).`,
  );
  showUndo();
}

/**
 * Rejects proposals with the reason given, then offers to undo it.
 * @param {string[]} keys
 */
async function reject(keys) {
  const reason = element("reason", HTMLInputElement).value.trim() || "Rejected in review";
  const next = nextAfter(keys.at(-1) ?? "");
  for (let i = 0; i < keys.length; i += perDecision) {
    await write(`mutation ($input: RejectProposalsInput!) { rejectProposals(input: $input) { changeId } }`, {
      input: { keys: keys.slice(i, i + perDecision), reason, clientKey: clientKey() },
    });
  }
  review.undo = keys;
  await loadProposals();
  setCurrent(next);
  say(`Rejected ${keys.length === 1 ? "1 proposal" : `${keys.length} proposals`}.`);
  showUndo();
}

/** Accepts every pending proposal shown, as they are, by hundreds (each hundred all or none). */
async function acceptShown() {
  const keys = shown()
    .filter((p) => p.status === "PENDING")
    .map((p) => p.key);
  if (keys.length === 0) return say("No pending proposal is shown.");
  for (let i = 0; i < keys.length; i += perDecision) {
    await write(`mutation ($input: AcceptProposalsInput!) { acceptProposals(input: $input) { changeId } }`, {
      input: { keys: keys.slice(i, i + perDecision), clientKey: clientKey() },
    });
  }
  review.undo = [];
  await loadProposals();
  say(
    `Accepted ${keys.length} proposals. Acceptances cannot be undone here: what they wrote stays in the graph.`,
  );
  showUndo();
}

/** Brings rejected proposals back to pending. @param {string[]} keys */
async function reopen(keys) {
  for (const key of keys) {
    await write(`mutation ($input: ReopenProposalInput!) { reopenProposal(input: $input) { changeId } }`, {
      input: { key, reason: "Undone in review", clientKey: clientKey() },
    });
  }
  review.undo = [];
  await loadProposals();
  setCurrent(keys[0] ?? null);
  say(`Reopened ${keys.length === 1 ? "1 proposal" : `${keys.length} proposals`}: pending again.`);
  showUndo();
}

function showUndo() {
  const undo = $("undo");
  undo.hidden = review.undo.length === 0;
  undo.textContent = `Undo the rejection of ${review.undo.length === 1 ? "1 proposal" : `${review.undo.length} proposals`}`;
}

/** Opens the edit form of the current card. */
function edit() {
  const p = review.proposals.find((x) => x.key === review.current);
  const cardElement = p && document.getElementById(`p-${p.key}`);
  if (!p || !cardElement || p.status !== "PENDING" || cardElement.querySelector("form.edit")) return;
  cardElement.insertAdjacentHTML("beforeend", editForm(p, names(), review.choices));
  const form = cardElement.querySelector("form.edit");
  if (!(form instanceof HTMLFormElement)) return;
  cardElement.querySelector('[data-act="edit"]')?.setAttribute("aria-expanded", "true");
  wireEditForm(form, () => selectionIn($("text-view")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(() => accept(p, form));
  });
  form.querySelector("input, select")?.setAttribute("autofocus", "");
  /** @type {HTMLElement | null} */ (form.querySelector("input, select"))?.focus();
}

$("list").addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-act]") : null;
  const cardElement = button?.closest("article.proposal");
  if (!(button instanceof HTMLButtonElement) || !(cardElement instanceof HTMLElement)) return;
  const p = review.proposals.find((x) => x.key === cardElement.dataset.key);
  if (!p) return;
  const action = button.dataset.act;
  if (action === "cancel") return setCurrent(p.key);
  if (review.current !== p.key && action !== "edit") review.current = p.key;
  if (action === "accept") void act(() => accept(p, null));
  if (action === "reject") void act(() => reject([p.key]));
  if (action === "reopen") void act(() => reopen([p.key]));
  if (action === "edit") {
    if (review.current !== p.key) setCurrent(p.key);
    edit();
  }
});
$("list").addEventListener("focusin", (event) => {
  const cardElement = event.target instanceof Element ? event.target.closest("article.proposal") : null;
  if (cardElement instanceof HTMLElement && cardElement.dataset.key !== review.current) {
    // Focus moved into another card (by Tab): it becomes current, its quote marked, without redrawing the list.
    review.current = cardElement.dataset.key ?? null;
    for (const other of document.querySelectorAll("article.proposal.current")) {
      other.classList.remove("current");
      other.removeAttribute("aria-current");
    }
    cardElement.classList.add("current");
    cardElement.setAttribute("aria-current", "true");
    markText();
  }
});

// Keys act on the current card, unless typing in a field (there, Escape leaves the edit form).
document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing =
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement;
  if (event.key === "Escape" && target instanceof Element && target.closest("form.edit")) {
    event.preventDefault();
    return setCurrent(review.current);
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey || !review.source) return;
  if (target instanceof Element && target.closest("form.edit")) return;
  const p = review.proposals.find((x) => x.key === review.current);
  const keys = {
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    a: () => p?.status === "PENDING" && void act(() => accept(p, null)),
    r: () => p?.status === "PENDING" && void act(() => reject([p.key])),
    e: () => edit(),
  };
  const run = keys[/** @type {keyof typeof keys} */ (event.key)];
  if (!run) return;
  event.preventDefault();
  run();
});

for (const id of ["f-status", "f-kind", "f-below"]) $(id).addEventListener("input", () => render());
$("filter").addEventListener("submit", (event) => event.preventDefault());
$("accept-shown").addEventListener("click", () => void act(acceptShown));
$("reject-shown").addEventListener("click", () =>
  act(async () => {
    const keys = shown()
      .filter((p) => p.status === "PENDING")
      .map((p) => p.key);
    if (keys.length === 0) return say("No pending proposal is shown.");
    await reject(keys);
  }),
);
$("undo").addEventListener("click", () => void act(() => reopen(review.undo)));

wireIntake(
  async (key) => {
    await openSource(key);
    setCurrent(review.current);
    return review.proposals.length;
  },
  () => review.source?.key ?? null,
);

/** The page opens with the vocabulary's choices and the stored sources to pick from. */
const ready = (async () => {
  wireKey();
  const response = await fetch("/explorer/vocabulary.json");
  /** @type {{ actorKinds: { name: string, colour: string }[], relationFamilies: { types: string[] }[], stances: string[] }} */
  const vocabulary = await response.json();
  store.colours = new Map(vocabulary.actorKinds.map((k) => [k.name, k.colour]));
  review.choices = {
    kinds: vocabulary.actorKinds.map((k) => k.name),
    types: vocabulary.relationFamilies.flatMap((f) => f.types),
    stances: vocabulary.stances,
  };
  const data = await graphql("{ sources(first: 100) { edges { node { key title } } } }");
  $("stored").innerHTML += data.sources.edges
    .map(
      (/** @type {{ node: { key: string, title: string | null } }} */ { node }) =>
        `<option value="${escapeHtml(node.key)}">${escapeHtml(node.title ?? node.key)}</option>`,
    )
    .join("");
  const named = new URLSearchParams(location.search).get("source");
  if (named) await act(() => openSource(named).then(() => setCurrent(review.current)));
  document.body.dataset.ready = "true";
})();

// For tests and the console: what the page holds, and its opening.
window.review = { state: review, ready, busy };
