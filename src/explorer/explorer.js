import cytoscape from "/explorer/vendor/cytoscape.esm.min.mjs";

// The explorer talks to the same GraphQL API as every other client; it holds no data of its own.

const kindColours = {
  STATE: "#3b6fd8",
  GOVERNMENT_BODY: "#7a5fc4",
  PERSON: "#2f9c6a",
  ARMED_FORCE: "#c4572b",
  MILITARY_OPERATION: "#d08a1e",
  PRIVATE_MILITARY_COMPANY: "#b8323a",
  ORGANIZATION: "#2a8fa3",
  MEDIA: "#7c7f86",
  GROUP: "#a7845b",
};
const $ = (id) => document.getElementById(id);
const expanded = new Set();
const state = { types: new Set(), asOf: null };

async function graphql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

const cy = cytoscape({
  container: $("graph"),
  style: [
    {
      selector: "node",
      style: {
        "background-color": "data(colour)",
        label: "data(name)",
        "font-size": 9,
        "text-wrap": "wrap",
        "text-max-width": 80,
        "text-valign": "bottom",
        "text-margin-y": 3,
        width: 18,
        height: 18,
        color: "#1d2430",
      },
    },
    { selector: "node.expanded", style: { "border-width": 3, "border-color": "#1d2430" } },
    {
      selector: "edge",
      style: {
        width: 1.6,
        "line-color": "#9aa4b2",
        "target-arrow-color": "#9aa4b2",
        "target-arrow-shape": "triangle",
        "curve-style": "bezier",
        "font-size": 8,
        color: "#1d2430",
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
      },
    },
    // Relation types label only the selected relation: on a dense graph every label would hide the rest.
    { selector: "edge:selected", style: { label: "data(type)", width: 3 } },
    {
      selector: "edge.contested",
      style: { "line-color": "#d2452f", "target-arrow-color": "#d2452f", "line-style": "dashed" },
    },
    {
      selector: ":selected",
      style: {
        "line-color": "#1d2430",
        "target-arrow-color": "#1d2430",
        "border-width": 3,
        "border-color": "#f0b400",
      },
    },
  ],
  wheelSensitivity: 0.3,
});
window.explorer = { cy };

function status() {
  const when = state.asOf ? ` as of ${state.asOf}` : "";
  $("status").textContent = `${cy.nodes().length} actors, ${cy.edges().length} relations shown${when}.`;
}

function addActor(actor) {
  if (cy.getElementById(actor.key).nonempty()) return;
  cy.add({
    group: "nodes",
    data: { id: actor.key, name: actor.name, kind: actor.kind, colour: kindColours[actor.kind] ?? "#888" },
  });
}

/** Adds an actor's neighbourhood (under the current type filter and date) to the graph. */
async function addNeighbourhood(key) {
  const data = await graphql(
    `query ($actor: String!, $types: [RelationType!], $asOf: Date) {
      neighbourhood(actor: $actor, depth: 1, types: $types, asOf: $asOf) {
        nodes { key name kind } edges { key type contested from { key } to { key } } } }`,
    { actor: key, types: state.types.size ? [...state.types] : null, asOf: state.asOf },
  );
  for (const actor of data.neighbourhood.nodes) addActor(actor);
  for (const edge of data.neighbourhood.edges) {
    if (cy.getElementById(edge.key).nonempty()) continue;
    cy.add({
      group: "edges",
      data: { id: edge.key, source: edge.from.key, target: edge.to.key, type: edge.type },
      classes: edge.contested ? "contested" : "",
    });
  }
  cy.getElementById(key).addClass("expanded");
}

// Changes to the graph run one after another, so that a slider moved during a reload cannot interleave.
let queue = Promise.resolve();
const serially = (work) => {
  queue = queue.then(work, work);
  return queue;
};
const layout = () =>
  cy
    .layout({
      name: "cose",
      animate: false,
      randomize: false,
      nodeRepulsion: () => 400000,
      idealEdgeLength: () => 90,
      numIter: 2000,
    })
    .run();

/** Expands an actor: it stays expanded when the filter or the date changes. */
const expand = (key) =>
  serially(async () => {
    expanded.add(key);
    await addNeighbourhood(key);
    layout();
    status();
  });

/** Rebuilds the graph from the expanded actors after the filter or the date changed. */
const refresh = () =>
  serially(async () => {
    cy.elements().remove();
    for (const key of expanded) await addNeighbourhood(key);
    layout();
    status();
  });

function escapeHtml(text) {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );
}

const dateText = (d) => (d ? `${d.value}` : null);

async function showRelation(key) {
  const { relation } = await graphql(
    `query ($key: String!) { relation(key: $key) { key type role contested note
      from { name } to { name } at { value } start { value } end { value }
      citations { quote stance speaker { name } source { key title publisher published }
        context(chars: 400) { before quote after } } } }`,
    { key },
  );
  const when =
    [
      dateText(relation.at),
      relation.start ? `from ${relation.start.value}` : null,
      relation.end ? `to ${relation.end.value}` : null,
    ]
      .filter(Boolean)
      .join(" ") || "undated";
  const citations = relation.citations
    .map(
      (c) => `
    <div class="citation">
      <div class="meta"><span class="stance-${c.stance}">${c.stance}</span> · ${escapeHtml(c.speaker?.name ?? "the source itself")}
        · ${escapeHtml(c.source.title ?? c.source.key)}${c.source.publisher ? ` (${escapeHtml(c.source.publisher)})` : ""}${c.source.published ? `, ${c.source.published}` : ""}</div>
      <blockquote>…${escapeHtml(c.context.before)}<mark>${escapeHtml(c.context.quote)}</mark>${escapeHtml(c.context.after)}…</blockquote>
    </div>`,
    )
    .join("");
  $("details").innerHTML = `
    <h2>${escapeHtml(relation.from.name)} → ${escapeHtml(relation.to.name)}</h2>
    <p class="relation-head">${relation.type}${relation.role ? ` (${escapeHtml(relation.role)})` : ""}
      <span class="badge">${escapeHtml(when)}</span>${relation.contested ? '<span class="badge contested">contested</span>' : ""}</p>
    ${relation.note ? `<p class="hint">${escapeHtml(relation.note)}</p>` : ""}
    <p class="hint">${relation.citations.length} citation(s)</p>${citations}`;
}

let searchTimer;
$("search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    const query = $("search").value.trim();
    $("results").innerHTML = "";
    if (!query) return;
    try {
      const data = await graphql(
        `query ($q: String!) { searchActors(query: $q, first: 10) { edges { node { key name kind } } } }`,
        { q: query },
      );
      for (const { node } of data.searchActors.edges) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = `${node.name} · ${node.kind.toLowerCase().replaceAll("_", " ")}`;
        button.addEventListener("click", async () => {
          addActor(node);
          await expand(node.key);
          showActor(node.key);
        });
        item.append(button);
        $("results").append(item);
      }
      if (data.searchActors.edges.length === 0)
        $("results").innerHTML = "<li class=hint>No actor found.</li>";
    } catch (error) {
      $("results").innerHTML = `<li class=hint>${escapeHtml(error.message)}</li>`;
    }
  }, 200);
});

/** An actor's panel: what it is, and its relations in the graph as buttons that open their citations. */
function showActor(key) {
  const node = cy.getElementById(key);
  const relations = node.connectedEdges().map((edge) => {
    const other = edge.source().id() === key ? edge.target() : edge.source();
    const arrow = edge.source().id() === key ? "→" : "←";
    return `<li><button type="button" data-relation="${escapeHtml(edge.id())}">${edge.data("type")} ${arrow} ${escapeHtml(other.data("name"))}</button></li>`;
  });
  $("details").innerHTML = `
    <h2>${escapeHtml(node.data("name"))}</h2>
    <p class="relation-head">${node.data("kind").toLowerCase().replaceAll("_", " ")}</p>
    <p class="hint">${relations.length} relation(s) shown; choose one to read its citations.</p>
    <ul class="relations">${relations.join("")}</ul>`;
  for (const button of $("details").querySelectorAll("button[data-relation]")) {
    button.addEventListener("click", () => {
      cy.elements().unselect();
      cy.getElementById(button.dataset.relation).select();
      void showRelation(button.dataset.relation);
    });
  }
}

cy.on("tap", "node", async (event) => {
  const key = event.target.id();
  await expand(key);
  showActor(key);
});
cy.on("tap", "edge", (event) => showRelation(event.target.id()));

$("all-dates").addEventListener("change", () => {
  $("year").disabled = $("all-dates").checked;
  state.asOf = $("all-dates").checked ? null : `${$("year").value}-12-31`;
  $("year-label").textContent = state.asOf ?? "all";
  void refresh();
});
$("year").addEventListener("change", () => {
  state.asOf = `${$("year").value}-12-31`;
  $("year-label").textContent = state.asOf;
  void refresh();
});
$("year").addEventListener("input", () => {
  $("year-label").textContent = `${$("year").value}-12-31`;
});
$("clear").addEventListener("click", () => {
  cy.elements().remove();
  expanded.clear();
  $("details").innerHTML = '<p class="hint">Click a relation to read its citations.</p>';
  status();
});

for (const [kind, colour] of Object.entries(kindColours)) {
  const span = document.createElement("span");
  span.style.setProperty("--colour", colour);
  span.textContent = kind.toLowerCase().replaceAll("_", " ");
  $("legend").append(span);
}
graphql("{ stats { relationsByType { key count } } }").then((data) => {
  for (const { key, count } of data.stats.relationsByType) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = key;
    box.addEventListener("change", () => {
      if (box.checked) state.types.add(key);
      else state.types.delete(key);
      void refresh();
    });
    label.append(box, ` ${key.toLowerCase().replaceAll("_", " ")} (${count})`);
    $("types").append(label);
  }
});
status();
