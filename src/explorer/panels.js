// @ts-check
// The details panel: it follows the selection (an actor, a relation, a bundle of relations, an article or the
// paths found) and what is drawn, and says when the selection is hidden by the filters.
import { graphql, sourceFields } from "./api.js";
import { cy } from "./graph.js";
import { drawn, found, pairOf, state, store, writeUrl } from "./state.js";
import { $, escapeHtml, words } from "./util.js";

/** @typedef {import("./state.js").Citation} Citation */
/**
 * A citation as an article's text marks it: code-point offsets and its relation.
 * @typedef {{ key: string, start: number, end: number, stance: string,
 *   relation: { key: string, type: string, from: { name: string }, to: { name: string } } }} MarkedCitation
 */

/**
 * What the panel's buttons do beyond it, set by `wirePanels`.
 * @type {{ expand: (key: string) => unknown, setPathEnd: (end: "from" | "to", actor: import("./state.js").Actor) => void, redraw: () => void }}
 */
const hooks = { expand: () => undefined, setPathEnd: () => undefined, redraw: () => undefined };

/**
 * Wires the panel to the rest of the explorer, and the buttons that fold the panels on narrow screens.
 * @param {typeof hooks} actions `expand` adds an actor's neighbours; `setPathEnd` makes an actor an end of the
 *   path; `redraw` draws the view again
 */
export function wirePanels(actions) {
  Object.assign(hooks, actions);
  for (const panel of /** @type {const} */ (["controls", "details"])) {
    $(`toggle-${panel}`).addEventListener("click", () =>
      setFold(panel, !document.body.classList.contains(`${panel}-open`)),
    );
    const sync = () => setFold(panel, document.body.classList.contains(`${panel}-open`));
    narrow[panel].addEventListener("change", sync);
    sync();
  }
  // Escape folds an open drawer or sheet, and gives the focus back to the button that opens it.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const panel of /** @type {const} */ (["controls", "details"])) {
      if (!narrow[panel].matches || !document.body.classList.contains(`${panel}-open`)) continue;
      setFold(panel, false);
      $(`toggle-${panel}`).focus();
    }
  });
}

/** Where the tools fold into a drawer, and where the details fold into a sheet (as explorer.css says). */
const narrow = { controls: matchMedia("(max-width: 1100px)"), details: matchMedia("(max-width: 700px)") };

/**
 * Opens or folds a panel that folds away on narrow screens. A folded panel is inert, so that the keyboard and
 * screen readers skip what is off-screen.
 * @param {"controls" | "details"} panel
 * @param {boolean} open
 */
export function setFold(panel, open) {
  document.body.classList.toggle(`${panel}-open`, open);
  $(`toggle-${panel}`).setAttribute("aria-expanded", String(open));
  $(panel).inert = narrow[panel].matches && !open;
}

/** On a phone, opens the details sheet (a selection shows there). */
export function showDetailsOnPhone() {
  if (narrow.details.matches) setFold("details", true);
}

/** Most relations and sources the panel keeps as it read them. */
const detailsCacheMax = 200;
/** Relations and sources as the panel read them, by "relation:key" or "source:key", oldest first. @type {Map<string, any>} */
const detailsCache = new Map();
/**
 * @template T
 * @param {string} key
 * @param {() => Promise<T>} load
 * @returns {Promise<T>}
 */
async function cached(key, load) {
  if (!detailsCache.has(key)) {
    detailsCache.set(key, await load());
    const [oldest] = detailsCache.keys();
    if (detailsCache.size > detailsCacheMax && oldest !== undefined) detailsCache.delete(oldest);
  }
  return detailsCache.get(key);
}

/**
 * A source's name for a reader: its title, else who published or wrote it and when, else its file.
 * @param {import("./state.js").Source} s
 */
function sourceName(s) {
  if (s.title) return s.title;
  const by = [s.publisher, s.author && `by ${s.author}`, s.published?.value].filter(Boolean).join(", ");
  return by ? `article, ${by}` : `untitled article (${s.file.replace(/^.*\//, "")})`;
}
/**
 * When a relation holds, in words.
 * @param {{ at: { value: string } | null, start: { value: string } | null, end: { value: string } | null }} r
 */
function dateSpan(r) {
  return (
    [r.at?.value, r.start && `from ${r.start.value}`, r.end && `to ${r.end.value}`]
      .filter(Boolean)
      .join(" ") || "undated"
  );
}

/**
 * Selects an actor, relation, pair, source or the paths (null: nothing), and shows it in the panel.
 * @param {import("./state.js").Selection | null} selection
 */
export function select(selection) {
  state.selection = selection;
  writeUrl();
  syncSelection();
  if (selection) showDetailsOnPhone();
}

/** Selects on the graph what the panel shows, and shows the panel for it (or says that it is not drawn). */
export function syncSelection() {
  cy.elements().unselect();
  const s = state.selection;
  if (!s) {
    $("details").innerHTML = '<p class="hint">Click an actor or a relation to read about it.</p>';
    return;
  }
  if (s.kind === "actor") {
    cy.getElementById(s.key).select();
    void showActor(s.key);
  } else if (s.kind === "relation") {
    const r = store.relations.get(s.key);
    const edge = cy.getElementById(s.key).nonempty()
      ? cy.getElementById(s.key)
      : r && cy.getElementById(`pair:${pairOf(r)}`);
    edge?.select();
    void showRelation(s.key, Boolean(edge?.nonempty()));
  } else if (s.kind === "pair") {
    cy.getElementById(`pair:${s.key}`).select();
    showPair(s.key);
  } else if (s.kind === "source") {
    void showSource(s.key);
  } else if (s.kind === "path") {
    showPaths();
  }
}

/** @param {string} what */
const notDrawn = (what) =>
  `<p class="hint notice">${what} is not drawn under the current filters (see “Hidden by the filters”).</p>`;

/**
 * @param {import("./state.js").Relation} r
 * @param {string | undefined} from the actor whose panel lists it
 */
function relationButton(r, from) {
  const other = store.actors.get(r.from === from ? r.to : r.from);
  const arrow = r.from === from ? "→" : "←";
  return `<li><button type="button" data-relation="${escapeHtml(r.key)}">${words(r.type)} ${arrow} ${escapeHtml(other?.name ?? "?")} <span class="count">${escapeHtml(dateSpan(r))}</span></button></li>`;
}

/**
 * The panel's elements that match a selector.
 * @param {string} selector
 */
const inDetails = (selector) =>
  [...$("details").querySelectorAll(selector)].filter((e) => e instanceof HTMLElement);

/** Makes the panel's links to relations and sources select them. */
function wireButtons() {
  for (const button of inDetails("[data-relation]")) {
    button.addEventListener("click", () => select({ kind: "relation", key: button.dataset.relation ?? "" }));
  }
  for (const button of inDetails("[data-source]")) {
    button.addEventListener("click", () =>
      select({ kind: "source", key: button.dataset.source ?? "", citation: button.dataset.citation }),
    );
  }
}

/** @param {string} key */
async function showActor(key) {
  const actor = store.actors.get(key);
  if (!actor) return;
  const mine = drawn.view.relations.filter((r) => r.from === key || r.to === key);
  const all = [...store.relations.values()].filter((r) => r.from === key || r.to === key);
  const isDrawn = drawn.view.actors.some((a) => a.key === key);
  $("details").innerHTML = `
    <h2>${escapeHtml(actor.name)}</h2>
    ${isDrawn ? "" : notDrawn(escapeHtml(actor.name))}
    <p class="relation-head">${words(actor.kind)}</p>
    ${actor.description ? `<p>${escapeHtml(actor.description)}</p>` : ""}
    ${actor.aliases?.length ? `<p class="hint">Also written: ${actor.aliases.map(escapeHtml).join(", ")}</p>` : ""}
    <p class="row">${state.shown.has(key) || state.all ? "" : '<button type="button" id="expand-actor">Add its neighbours</button> '}
      <button type="button" id="path-from-here">Path from here</button>
      <button type="button" id="path-to-here">Path to here</button></p>
    <p class="hint">${mine.length} relation(s) drawn${all.length > mine.length ? `, ${all.length - mine.length} loaded but hidden by the filters` : ""}; choose one to read its citations.</p>
    <ul class="relations">${mine.map((r) => relationButton(r, key)).join("")}</ul>`;
  document.getElementById("expand-actor")?.addEventListener("click", () => void hooks.expand(key));
  $("path-from-here").addEventListener("click", () => hooks.setPathEnd("from", actor));
  $("path-to-here").addEventListener("click", () => hooks.setPathEnd("to", actor));
  wireButtons();
}

/** @param {Citation & { context: { before: string, quote: string, after: string } }} c */
function citationHtml(c) {
  return `<div class="citation">
      <div class="meta"><span class="stance-${c.stance}">${words(c.stance)}</span> · ${escapeHtml(c.speaker?.name ?? "the article itself")}
        · <button type="button" class="link" data-source="${escapeHtml(c.source.key)}" data-citation="${escapeHtml(c.key)}">${escapeHtml(sourceName(c.source))}</button></div>
      <blockquote>…${escapeHtml(c.context.before)}<mark class="${c.stance === "DENIES" ? "denies" : ""}">${escapeHtml(c.context.quote)}</mark>${escapeHtml(c.context.after)}…</blockquote>
    </div>`;
}

/** Both sides of a contested relation: who supports it and who denies it, with counts and sources. */
/** @param {Citation[]} citations */
function sidesHtml(citations) {
  /**
   * @param {string} title
   * @param {Citation[]} list
   * @param {string} className
   */
  const side = (title, list, className) => {
    const speakers = [...new Set(list.map((c) => c.speaker?.name ?? "the article itself"))];
    const sources = [...new Set(list.map((c) => sourceName(c.source)))];
    return `<div class="${className}"><strong>${title}: ${list.length} citation(s)</strong>
      <br>Speakers: ${speakers.map(escapeHtml).join("; ") || "none"}
      <br>Sources: ${sources.map(escapeHtml).join("; ") || "none"}</div>`;
  };
  const denying = citations.filter((c) => c.stance === "DENIES");
  const supporting = citations.filter((c) => c.stance !== "DENIES");
  return `<h3>Contested: both sides</h3><div class="sides">${side("Supporting (asserts, reports, accuses)", supporting, "supporting")}${side("Denying", denying, "denying")}</div>`;
}

/**
 * @param {string} key
 * @param {boolean} isDrawn
 */
async function showRelation(key, isDrawn) {
  const relation = await cached(`relation:${key}`, async () => {
    const data = await graphql(
      `query ($key: String!) { relation(key: $key) { key type role contested note
        from { key name } to { key name } at { value } start { value } end { value }
        citations(limit: 100) { key quote stance speaker { name } source { ${sourceFields} }
          context(chars: 300) { before quote after } } } }`,
      { key },
    );
    return data.relation;
  });
  if (state.selection?.key !== key) return;
  if (!relation) {
    $("details").innerHTML = `<p class="hint">No relation ${escapeHtml(key)}.</p>`;
    return;
  }
  $("details").innerHTML = `
    <h2>${escapeHtml(relation.from.name)} → ${escapeHtml(relation.to.name)}</h2>
    ${isDrawn ? "" : notDrawn("This relation")}
    <p class="relation-head">${words(relation.type)}${relation.role ? ` (${escapeHtml(relation.role)})` : ""}
      <span class="badge">${escapeHtml(dateSpan(relation))}</span>${relation.contested ? '<span class="badge contested">contested</span>' : ""}</p>
    ${relation.note ? `<p class="hint">${escapeHtml(relation.note)}</p>` : ""}
    ${relation.contested ? sidesHtml(relation.citations) : ""}
    <h3>${relation.citations.length} citation(s)</h3>${relation.citations.map(citationHtml).join("")}`;
  wireButtons();
}

/** @param {string} pair */
function showPair(pair) {
  const [a, b] = pair.split("~").map((key) => store.actors.get(key));
  const relations = drawn.view.relations.filter((r) => pairOf(r) === pair);
  const opened = state.open.has(pair);
  $("details").innerHTML = `
    <h2>${escapeHtml(a?.name ?? "?")} — ${escapeHtml(b?.name ?? "?")}</h2>
    ${relations.length ? "" : notDrawn("This pair")}
    <p class="hint">${relations.length} relation(s) drawn between them${opened ? ", each as its own edge" : " as one edge"}.</p>
    <p class="row"><button type="button" id="toggle-pair">${opened ? "Bundle them again" : "Draw separately"}</button></p>
    <ul class="relations">${relations.map((r) => relationButton(r, a?.key)).join("")}</ul>`;
  $("toggle-pair").addEventListener("click", () => {
    if (opened) state.open.delete(pair);
    else state.open.add(pair);
    writeUrl();
    hooks.redraw();
  });
  wireButtons();
}

/** Code-point slices of `text` with the citations covering each, so that overlapping quotes all stay marked. */
/**
 * @param {string} text
 * @param {MarkedCitation[]} citations
 */
function markedText(text, citations) {
  const points = Array.from(text);
  const bounds = new Set([0, points.length]);
  for (const c of citations) {
    bounds.add(c.start);
    bounds.add(c.end);
  }
  const cuts = [...bounds].sort((x, y) => x - y);
  let html = "";
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [from, to] = [cuts[i], cuts[i + 1]];
    const piece = escapeHtml(points.slice(from, to).join(""));
    const covering = citations.filter((c) => c.start <= from && c.end >= to);
    if (covering.length === 0) {
      html += piece;
      continue;
    }
    const title = covering
      .map(
        (c) =>
          `${words(c.relation.type)}: ${c.relation.from.name} → ${c.relation.to.name} (${words(c.stance)})`,
      )
      .join("\n");
    html += `<mark data-citations="${escapeHtml(covering.map((c) => c.key).join(" "))}" data-relation="${escapeHtml(covering[0].relation.key)}" class="${covering.some((c) => c.stance === "DENIES") ? "denies" : ""}" title="${escapeHtml(title)}">${piece}</mark>`;
  }
  return html;
}

/** @param {string} key */
async function showSource(key) {
  const source = await cached(`source:${key}`, async () => {
    const data = await graphql(
      `query ($key: String!) { source(key: $key) { ${sourceFields} language url retrievedOn text
        citations(limit: 1000) { key start end stance relation { key type from { name } to { name } } } } }`,
      { key },
    );
    return data.source;
  });
  if (state.selection?.key !== key) return;
  if (!source) {
    $("details").innerHTML = `<p class="hint">No source ${escapeHtml(key)}.</p>`;
    return;
  }
  const facts = [
    source.publisher,
    source.author && `by ${source.author}`,
    source.published?.value ?? "undated",
    source.language,
    source.retrievedOn && `retrieved ${source.retrievedOn}`,
  ].filter(Boolean);
  // The API stores only http and https addresses, so the link cannot run script.
  const link = source.url
    ? ` · <a href="${escapeHtml(source.url)}" rel="noopener noreferrer" target="_blank">${escapeHtml(source.url)}</a>`
    : "";
  $("details").innerHTML = `
    <h2>${escapeHtml(sourceName(source))}</h2>
    <p class="hint">${facts.map(escapeHtml).join(" · ")}${link} · ${source.citations.length} citation(s) marked; click one to open its relation.</p>
    <div class="article">${markedText(source.text, source.citations)}</div>`;
  wireButtons();
  const wanted = state.selection?.citation;
  const current = wanted && inDetails("mark").find((m) => m.dataset.citations?.split(" ").includes(wanted));
  if (current) {
    current.classList.add("current");
    current.scrollIntoView({ block: "center" });
  }
}

function showPaths() {
  if (!state.path) return;
  const [from, to] = [store.actors.get(state.path.from), store.actors.get(state.path.to)];
  const title = `${escapeHtml(from?.name ?? state.path.from)} to ${escapeHtml(to?.name ?? state.path.to)}`;
  const paths = found.paths;
  // What the search did not follow (denials, accusations, retracted relations...), so that "no path" is not "nothing".
  const omitted = found.omitted.length
    ? `<p class="hint omitted">Left out: ${found.omitted.map((o) => `${o.count} ${words(o.reason)}`).join(", ")}.</p>`
    : "";
  if (paths.length === 0) {
    $("details").innerHTML =
      `<h2>Paths from ${title}</h2><p class="hint">No path within 6 steps.</p>${omitted}`;
    return;
  }
  /** @param {import("./state.js").Step[]} path */
  const steps = (path) =>
    path
      .map(
        (
          step,
        ) => `<li><strong>${escapeHtml(step.from.name)} ${step.forward ? "→" : "←"} ${escapeHtml(step.to.name)}</strong>:
        <button type="button" class="link" data-relation="${escapeHtml(step.relation.key)}">${words(step.relation.type)}</button>
        ${step.relation.contested ? '<span class="badge contested">contested</span>' : ""}
        ${step.relation.citations
          .map(
            (c) =>
              `<blockquote class="hint">“${escapeHtml(c.quote)}” — ${escapeHtml(c.speaker?.name ?? "the article itself")}, <button type="button" class="link" data-source="${escapeHtml(c.source.key)}" data-citation="${escapeHtml(c.key)}">${escapeHtml(sourceName(c.source))}</button></blockquote>`,
          )
          .join("")}</li>`,
      )
      .join("");
  $("details").innerHTML = `
    <h2>Paths from ${title}</h2>
    <p class="hint">${paths.length} shortest path(s) of ${paths[0]?.length} step(s), drawn in orange.</p>${omitted}
    <ul class="paths">${paths.map((p, i) => `<li>Path ${i + 1}<ol>${steps(p)}</ol></li>`).join("")}</ul>`;
  wireButtons();
}
