import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Core, EdgeSingular, SingularElementArgument } from "cytoscape";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { projectRoot } from "../src/domain/project.js";
import { graphiqlTabs } from "../src/http/graphiql.js";
import { seededDatabase, serveOnLoopback } from "./support/server.js";

type Explorer = { explorer: { cy: Core; ready: Promise<void>; idle: () => Promise<void> } };

/**
 * The explorer in real headless Chromium (Debian's, driven by playwright-core) at 1400×900 and on a 390×844
 * phone, against the seeded database: bundled edges, layout without overlaps, filters and their counts, the time
 * window and the panel, paths, the view restored from its address, exports, and GraphiQL's default document. It
 * takes the screenshots the README shows, and writes them into `docs/` with `UPDATE_SCREENSHOTS=1`; otherwise
 * into a temporary directory, removed afterwards, so that a test run leaves the work tree as it was.
 */
const screenshots =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? path.join(projectRoot, "docs")
    : mkdtempSync(path.join(tmpdir(), "explorer-screenshots-"));

describe("graph explorer in a browser", () => {
  let db: Database;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let base: string;
  let browser: Browser;
  let page: Page;
  const failedRequests: string[] = [];

  /** Relations between two actors, either way, from the database. */
  const between = async (a: string, b: string) => {
    const { records } = await db.read(
      `MATCH (:Actor {id: $a})-[r:RELATION]-(:Actor {id: $b}) WHERE r.retractedAt IS NULL
       RETURN r.id AS id, r.type AS type ORDER BY id`,
      { a, b },
    );
    return records.map((r) => ({ id: r.get("id") as string, type: r.get("type") as string }));
  };

  const open = async (target: Page, url: string) => {
    await target.goto(`${base}${url}`);
    await target.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 60_000 });
  };
  /** Waits until every change asked of the explorer is drawn. */
  const settled = (target: Page) => target.evaluate(() => (window as unknown as Explorer).explorer.idle());
  const graphState = (target: Page) =>
    target.evaluate(() => {
      const { cy } = (window as unknown as Explorer).explorer;
      return {
        nodes: cy
          .nodes()
          .map((n) => n.id())
          .sort(),
        edges: cy
          .edges()
          .map((e) => ({ id: e.id(), label: e.data("label") as string, count: e.data("count") as number }))
          .sort((x, y) => x.id.localeCompare(y.id)),
        paths: cy.edges(".path").map((e) => e.id()),
      };
    });
  /**
   * Label boxes as Cytoscape drew them (rendered pixels): each node's with its label, each edge label shown at
   * this zoom (Cytoscape hides a label rendered under its `min-zoomed-font-size`); the pairs that overlap; the
   * smallest node and edge label font shown, in rendered pixels; and how many edge labels are shown.
   */
  const labelLayout = (target: Page) =>
    target.evaluate(() => {
      const { cy } = (window as unknown as Explorer).explorer;
      const zoom = cy.zoom();
      const shows = (e: SingularElementArgument) =>
        Boolean(e.style("label")) &&
        e.numericStyle("font-size") * zoom >= e.numericStyle("min-zoomed-font-size");
      const boxes = [
        ...cy.nodes().map((n) => ({
          id: n.id(),
          box: n.renderedBoundingBox({ includeLabels: shows(n), includeOverlays: false }),
        })),
        ...cy
          .edges()
          .filter(shows)
          .map((e) => ({
            id: e.id(),
            box: e.renderedBoundingBox({
              includeNodes: false,
              includeEdges: false,
              includeLabels: true,
              includeOverlays: false,
            }),
          })),
      ];
      const overlaps: string[] = [];
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          if (
            a &&
            b &&
            a.box.x1 < b.box.x2 &&
            b.box.x1 < a.box.x2 &&
            a.box.y1 < b.box.y2 &&
            b.box.y1 < a.box.y2
          )
            overlaps.push(`${a.id} / ${b.id}`);
        }
      }
      const font = (elements: SingularElementArgument[]) =>
        Math.min(...elements.filter(shows).map((x) => x.numericStyle("font-size") * zoom));
      return {
        overlaps,
        nodes: cy.nodes().length,
        nodeLabelsShown: cy.nodes().filter(shows).length,
        edges: cy.edges().length,
        edgeLabelsShown: cy.edges().filter(shows).length,
        nodeFontPx: font(cy.nodes().toArray()),
        edgeFontPx: font(cy.edges().toArray()),
      };
    });
  /** Each node's position (model coordinates, to 0.01), by id. */
  const positions = (target: Page) =>
    target.evaluate(() =>
      Object.fromEntries(
        (window as unknown as Explorer).explorer.cy
          .nodes()
          .map((n) => [
            n.id(),
            { x: Math.round(n.position().x * 100) / 100, y: Math.round(n.position().y * 100) / 100 },
          ]),
      ),
    );
  /**
   * Clicks an element where Cytoscape drew it: a node at its centre; an edge at its midpoint, or, where the layout
   * put a node across that (it varies between runs), at the nearest point along the edge that no node covers.
   * Then checks that the click selected it.
   */
  const click = async (target: Page, id: string) => {
    const point = await target.evaluate((id) => {
      const { cy } = (window as unknown as Explorer).explorer;
      const element = cy.getElementById(id);
      const box = cy.container()?.getBoundingClientRect() as DOMRect;
      let position = element.isNode()
        ? element.renderedPosition()
        : (element as unknown as EdgeSingular).renderedMidpoint();
      if (element.isEdge()) {
        const covered = (p: { x: number; y: number }) =>
          cy.nodes().some((n) => {
            const b = n.renderedBoundingBox({ includeLabels: true });
            return p.x >= b.x1 && p.x <= b.x2 && p.y >= b.y1 && p.y <= b.y2;
          });
        const from = (element as unknown as EdgeSingular).renderedSourceEndpoint();
        const to = (element as unknown as EdgeSingular).renderedTargetEndpoint();
        const along = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8].map((t) => ({
          x: from.x + (to.x - from.x) * t,
          y: from.y + (to.y - from.y) * t,
        }));
        position = covered(position) ? (along.find((p) => !covered(p)) ?? position) : position;
      }
      return { x: box.left + position.x, y: box.top + position.y };
    }, id);
    await target.mouse.click(point.x, point.y);
    await settled(target);
    const selected = await target.evaluate(
      (id) => (window as unknown as Explorer).explorer.cy.getElementById(id).selected(),
      id,
    );
    expect(selected, `the click at ${point.x},${point.y} selected ${id}`).toBe(true);
  };

  beforeAll(async () => {
    db = await seededDatabase();
    served = await serveOnLoopback(db);
    base = served.base;
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    // Everything the page loads must come from this server: no CDN.
    page.on("request", (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith("blob:"))
        failedRequests.push(request.url());
    });
    page.on("pageerror", (error) => failedRequests.push(`page error: ${error.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await served.close();
    await db.close();
    if (process.env.UPDATE_SCREENSHOTS !== "1") rmSync(screenshots, { recursive: true, force: true });
  });

  it("bundles parallel edges into one labelled edge that expands, and lays out the Mali hub without overlaps", async () => {
    // With no view named, the explorer opens on the most connected actor (Mali has the most relations).
    await open(page, "/");
    expect(await page.textContent("#status")).toMatch(
      /^20 actors, 39 relations shown\. Opened on Mali, the most connected actor \(39 relations\)/,
    );
    expect(page.url()).toContain("actors=mali");
    expect(await page.locator("#types .members input").count()).toBeGreaterThan(5);
    await page.fill("#search", "goita");
    await page.locator("#results button", { hasText: "Assimi Goïta" }).click();
    await settled(page);
    expect((await graphState(page)).nodes.length).toBeGreaterThan(1);
    expect(await page.textContent("#details h2")).toBe("Assimi Goïta");
    await page.fill("#search", "wagner");
    await page.locator("#results button", { hasText: "Wagner" }).first().click();
    await settled(page);
    expect((await graphState(page)).nodes).toContain("wagner");
    await click(page, "mali");
    expect((await graphState(page)).nodes).toContain("russia");
    expect(await page.textContent("#details h2")).toBe("Mali");

    // Mali and Russia: one edge, labelled with types and the count the database holds.
    const maliRussia = await between("mali", "russia");
    expect(maliRussia.length).toBeGreaterThan(5);
    const bundle = (await graphState(page)).edges.find((e) => e.id === "pair:mali~russia");
    expect(bundle?.count).toBe(maliRussia.length);
    expect(bundle?.label).toMatch(new RegExp(`\\(${maliRussia.length}\\)$`));

    // No two nodes, labels included, overlap; nodes are sized by degree.
    const layout = await page.evaluate(() => {
      const { cy } = (window as unknown as Explorer).explorer;
      const nodes = cy.nodes().toArray();
      const overlaps: string[] = [];
      for (let i = 0; i < nodes.length; i++) {
        for (let j = i + 1; j < nodes.length; j++) {
          const a = nodes[i]?.boundingBox({ includeLabels: true });
          const b = nodes[j]?.boundingBox({ includeLabels: true });
          if (a && b && a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) {
            overlaps.push(`${nodes[i]?.id()} / ${nodes[j]?.id()}`);
          }
        }
      }
      const size = (id: string) => cy.getElementById(id).width();
      return { overlaps, count: nodes.length, mali: size("mali"), camara: size("sadio-camara") };
    });
    expect(layout.count).toBeGreaterThan(15);
    expect(layout.overlaps).toEqual([]);
    expect(layout.mali).toBeGreaterThan(layout.camara);
    // Nor does any label run over another, edge labels included, after these additions.
    const labels = await labelLayout(page);
    expect(labels.overlaps).toEqual([]);
    expect(labels.nodeLabelsShown).toBe(labels.nodes);
    expect(labels.edgeLabelsShown).toBeGreaterThanOrEqual(labels.edges / 2);

    // The bundle's panel lists its relations; "draw separately" draws each.
    await click(page, "pair:mali~russia");
    expect(await page.locator("#details .relations button").count()).toBe(maliRussia.length);
    await page.click("#toggle-pair");
    await settled(page);
    const separate = (await graphState(page)).edges.map((e) => e.id);
    expect(separate).toEqual(expect.arrayContaining(maliRussia.map((r) => r.id)));
    expect(separate).not.toContain("pair:mali~russia");
    expect(page.url()).toContain("open=mali~russia");

    // Goïta's office, from Mali's panel: each quote marked within its paragraph, the source named by title or publisher.
    await click(page, "mali");
    await page.locator('#details button[data-relation="rel-goita-office-mali"]').click();
    await page.locator("#details mark").first().waitFor();
    expect(await page.textContent("#details h2")).toBe("Assimi Goïta → Mali");
    const marked = await page.locator("#details .citation mark").allTextContents();
    const { records } = await db.read(
      "MATCH (c:Citation {relationId: 'rel-goita-office-mali'}) RETURN c.quote AS quote",
    );
    expect(marked).toEqual(expect.arrayContaining(records.map((r) => r.get("quote"))));
    const sourceLinks = await page.locator("#details .citation [data-source]").allTextContents();
    expect(sourceLinks.every((text) => !text.startsWith("src-"))).toBe(true);

    await page.screenshot({ path: path.join(screenshots, "explorer.png") });
    expect(failedRequests).toEqual([]);
  });

  it("opens an article with every citation marked", async () => {
    await page.locator("#details .citation [data-source]").first().click();
    await page.locator("#details .article mark").first().waitFor();
    const key = new URL(page.url()).searchParams.get("selected")?.replace(/^source:/, "");
    const { records } = await db.read("MATCH (c:Citation {sourceId: $key}) RETURN count(c) AS n", { key });
    // Overlapping quotes share marks, so there are at least as many marked pieces as quotes that overlap none.
    const citations = await page
      .locator("#details .article mark")
      .evaluateAll(
        (marks) => new Set(marks.flatMap((m) => (m as HTMLElement).dataset.citations?.split(" ") ?? [])).size,
      );
    expect(citations).toBe(records[0]?.get("n"));
  });

  it("filters by relation type: only these types, isolated actors hidden, and the count of what is hidden", async () => {
    await page.click("#types-none");
    await page.locator('#types .members input[value="ARMS_SUPPLY"]').check();
    await page.locator('#types .members input[value="DEPLOYMENT"]').check();
    await settled(page);
    const view = await page.evaluate(() => {
      const { cy } = (window as unknown as Explorer).explorer;
      return { isolated: cy.nodes().filter((n) => n.degree(false) === 0).length, edges: cy.edges().length };
    });
    expect(view.isolated).toBe(0);
    expect(view.edges).toBeGreaterThan(0);
    const hidden = await page.textContent("#hidden");
    expect(hidden).toMatch(/\d+ relation\(s\) of unticked types/);
    expect(hidden).toMatch(/\d+ actor\(s\) left without a drawn relation/);
    expect(page.url()).toMatch(/types=(ARMS_SUPPLY,DEPLOYMENT|DEPLOYMENT,ARMS_SUPPLY)/);
    await page.click("#types-all");
    await settled(page);
  });

  it("moves the time window by months: the graph and the actor's panel agree, undated relations counted", async () => {
    await click(page, "mali");
    const before = (await graphState(page)).edges.length;
    // A window on 2021, typed into the month fields.
    await page.fill("#from-month", "2021-01");
    await page.fill("#to-month", "2021-12");
    await page.selectOption("#undated", "hide");
    await settled(page);
    expect(await page.textContent("#status")).toMatch(/from 2021-01 to 2021-12\.$/);
    expect(await page.textContent("#time-note")).toMatch(/^\d+ undated relation\(s\) hidden/);
    const { edges } = await graphState(page);
    expect(edges.length).toBeLessThan(before);
    // The panel lists exactly the relations of Mali that are drawn (a bundle counts its relations).
    const drawnOfMali = await page.evaluate(() => {
      const { cy } = (window as unknown as Explorer).explorer;
      return cy
        .getElementById("mali")
        .connectedEdges()
        .map((e) => e.data("count") as number)
        .reduce((a, b) => a + b, 0);
    });
    expect(await page.locator("#details .relations button").count()).toBe(drawnOfMali);
    expect(await page.textContent("#details h2")).toBe("Mali");
  });

  it("restores a view from its address: actors, filters, time, selection", async () => {
    const url = page.url();
    const shown = await graphState(page);
    const other = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await open(other, url.slice(base.length));
    expect(await graphState(other)).toEqual(shown);
    expect(await other.inputValue("#undated")).toBe("hide");
    expect(await other.textContent("#status")).toBe(await page.textContent("#status"));
    expect(await other.textContent("#details h2")).toBe("Mali");
    // A selected relation that the window hides is said to be hidden, not shown as if drawn.
    await open(
      other,
      `${url.slice(base.length).replace(/selected=[^&]*/, "")}&selected=relation:rel-wagner-deployment-mali`,
    );
    await other.locator("#details .notice").waitFor();
    expect(await other.textContent("#details .notice")).toMatch(/not drawn under the current filters/);
    expect(await other.textContent("#details h2")).toBe("Wagner → Mali");
    await other.close();
  });

  it("draws and lists the shortest paths between two actors, each step with its citations", async () => {
    await open(page, "/?actors=mali");
    await page.fill("#path-from", "wagner");
    await page.locator("#path-from-results button", { hasText: "Wagner" }).first().click();
    await page.fill("#path-to", "goita");
    await page.locator("#path-to-results button", { hasText: "Assimi Goïta" }).click();
    await settled(page);
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query:
          '{ paths(from: "wagner", to: "assimi-goita", maxHops: 6, all: true) { paths { steps { relation { key } } } } }',
      }),
    });
    const expected = (
      (await response.json()) as { data: { paths: { paths: { steps: { relation: { key: string } }[] }[] } } }
    ).data.paths.paths;
    const keys = [...new Set(expected.flatMap((p) => p.steps.map((s) => s.relation.key)))].sort();
    expect((await graphState(page)).paths.sort()).toEqual(keys);
    expect(await page.locator("#details .paths > li").count()).toBe(expected.length);
    expect(await page.locator("#details .paths blockquote").count()).toBeGreaterThan(0);
    expect(page.url()).toContain("path=wagner,assimi-goita");
  });

  it("exports the view as PNG and GraphML", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-png")]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect([...Buffer.concat(chunks).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const href = await page.getAttribute("#export-graphml", "href");
    expect(href).toBe("/export/graph.graphml?actor=mali");
    const graphml = await (await fetch(`${base}${href}`)).text();
    expect(graphml).toContain('<node id="mali">');
  });

  it("lays out the seed's hubs with no label over another, at 1400×900 and 390×844, the same at every load", async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    for (const target of [page, phone]) {
      for (const hub of ["mali", "russia"]) {
        const url = `/?actors=${hub}&selected=actor:${hub}`;
        await open(target, url);
        const labels = await labelLayout(target);
        const where = `${hub} at ${target.viewportSize()?.width} px`;
        expect(labels.overlaps, where).toEqual([]);
        expect(labels.nodes, where).toBeGreaterThan(15);
        // Every node label shows, and at least half the edge labels (the others would overlap).
        expect(labels.nodeLabelsShown, where).toBe(labels.nodes);
        expect(labels.edgeLabelsShown, where).toBeGreaterThanOrEqual(labels.edges / 2);
        // Readable at first view: 10 px labels at least.
        expect(labels.nodeFontPx, where).toBeGreaterThanOrEqual(10);
        expect(labels.edgeFontPx, where).toBeGreaterThanOrEqual(9.5);
        // The same address draws the same picture when loaded again.
        const first = await positions(target);
        await open(target, url);
        expect(await positions(target), where).toEqual(first);
      }
    }
    await phone.close();
  });

  it("on a 390×844 phone: the graph has the screen, a pick folds the drawer, a tapped node opens its sheet, months are steps a finger can hit", async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const bodyHas = (name: string) => phone.evaluate((name) => document.body.classList.contains(name), name);
    await open(phone, "/?actors=mali,wagner");
    const area = await phone.evaluate(() => {
      const box = document.getElementById("graph")?.getBoundingClientRect() as DOMRect;
      const details = document.getElementById("details")?.getBoundingClientRect() as DOMRect;
      return { width: box.width, height: box.height, detailsTop: details.top };
    });
    expect(area.width).toBe(390);
    expect(area.height).toBeGreaterThan(600);
    expect(area.detailsTop).toBeGreaterThanOrEqual(844);
    expect((await graphState(phone)).nodes.length).toBeGreaterThan(10);
    const labels = await labelLayout(phone);
    expect(labels.overlaps).toEqual([]);
    expect(labels.nodeFontPx).toBeGreaterThanOrEqual(10);
    await phone.screenshot({ path: path.join(screenshots, "explorer-phone.png") });

    // A search result picked: the drawer folds away, and the actor's sheet opens.
    await phone.tap("#toggle-controls");
    await expect.poll(() => bodyHas("controls-open")).toBe(true);
    await phone.fill("#search", "lavrov");
    await phone.locator("#results button", { hasText: "Lavrov" }).first().tap();
    await settled(phone);
    await expect.poll(() => bodyHas("controls-open")).toBe(false);
    await expect.poll(() => bodyHas("details-open")).toBe(true);
    expect(await phone.textContent("#details h2")).toBe("Sergueï Lavrov");

    // A node tapped where it is drawn, sheet folded before: its sheet opens with it.
    await phone.tap("#toggle-details");
    await expect.poll(() => bodyHas("details-open")).toBe(false);
    const point = await phone.evaluate(() => {
      const { cy } = (window as unknown as Explorer).explorer;
      const node = cy
        .nodes()
        .toArray()
        .find((n) => {
          const p = n.renderedPosition();
          return (
            n.id() !== "sergei-lavrov" &&
            p.x > 20 &&
            p.x < cy.width() - 20 &&
            p.y > 20 &&
            p.y < cy.height() - 20
          );
        });
      if (!node) throw new Error("no node in view");
      const box = cy.container()?.getBoundingClientRect() as DOMRect;
      return {
        id: node.id(),
        name: node.data("name") as string,
        x: box.left + node.renderedPosition().x,
        y: box.top + node.renderedPosition().y,
      };
    });
    await phone.touchscreen.tap(point.x, point.y);
    await settled(phone);
    await expect.poll(() => bodyHas("details-open")).toBe(true);
    expect(await phone.textContent("#details h2")).toBe(point.name);

    // The time window: each slider step at least 8 px wide; ‹ and › move one month.
    await phone.tap("#toggle-controls");
    await expect.poll(() => bodyHas("controls-open")).toBe(true);
    const slider = await phone.evaluate(() => {
      const input = document.getElementById("from") as HTMLInputElement;
      return { width: input.getBoundingClientRect().width, steps: Number(input.max) - Number(input.min) };
    });
    expect(slider.steps).toBeGreaterThan(1);
    expect(slider.width / slider.steps).toBeGreaterThanOrEqual(8);
    const from = await phone.inputValue("#from-month");
    await phone.tap("#from-later");
    await settled(phone);
    const [year, month] = from.split("-").map(Number) as [number, number];
    const next = `${month === 12 ? year + 1 : year}-${String((month % 12) + 1).padStart(2, "0")}`;
    expect(await phone.inputValue("#from-month")).toBe(next);
    expect(phone.url()).toContain(`from=${next}`);
    await phone.close();
  });

  it("works with the keyboard alone, and names its landmarks", async () => {
    await open(page, "/?actors=mali&selected=actor:mali");
    const landmarks = await page.evaluate(() => ({
      main: document.querySelectorAll("main").length,
      nav: [...document.querySelectorAll("nav")].map((n) => n.getAttribute("aria-label")),
      complementary: [...document.querySelectorAll("aside")].map((a) => a.getAttribute("aria-label")),
      search: [...document.querySelectorAll("search")].map((a) => a.getAttribute("aria-label")),
    }));
    expect(landmarks).toEqual({
      main: 1,
      nav: ["Panels", "Other tools"],
      complementary: ["Search, filters and tools", "Details"],
      search: ["Add an actor"],
    });
    // Tab reaches the graph; arrows move the selection from actor to actor; Enter adds a neighbour's neighbours.
    await page.locator("#path-clear").focus();
    let focused = "";
    for (let i = 0; i < 20 && focused !== "graph"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.id ?? "");
    }
    expect(focused).toBe("graph");
    const visited = new Set<string>();
    for (const key of ["ArrowUp", "ArrowRight", "ArrowDown", "ArrowLeft"]) {
      await page.keyboard.press(key);
      visited.add(
        await page.evaluate(() => (window as unknown as Explorer).explorer.cy.$("node:selected").id()),
      );
    }
    expect(visited.size).toBeGreaterThan(1);
    const before = (await graphState(page)).nodes.length;
    const selected = await page.evaluate(() =>
      (window as unknown as Explorer).explorer.cy.$("node:selected").id(),
    );
    await page.keyboard.press("Enter");
    await settled(page);
    expect(page.url()).toContain(selected);
    expect((await graphState(page)).nodes.length).toBeGreaterThanOrEqual(before);
    expect(await page.textContent("#details h2")).toBe(
      await page.evaluate(
        (id) => (window as unknown as Explorer).explorer.cy.getElementById(id).data("name"),
        selected,
      ),
    );
    // Escape, back on the graph (Enter on an expanded actor moves to its details), clears the selection.
    await page.locator("#graph").focus();
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => (window as unknown as Explorer).explorer.cy.$(":selected").length)).toBe(
      0,
    );
  });

  it("opens GraphiQL on the README's examples, runs the first, and switches tabs on a mouse click", async () => {
    const graphiql = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await graphiql.goto(`${base}/graphql`);
    await graphiql.locator(".graphiql-execute-button").waitFor({ timeout: 60_000 });
    // One tab per README example (test/graphiql.test.ts holds them equal to the README).
    expect(await graphiql.locator(".graphiql-tab").count()).toBe(graphiqlTabs.length);
    await expect
      .poll(() => graphiql.locator(".graphiql-editor").first().textContent())
      .toContain("RussianVisitsToMali");
    const [answer] = await Promise.all([
      graphiql.waitForResponse(
        (r) => r.url().endsWith("/graphql") && (r.request().postData() ?? "").includes("RussianVisitsToMali"),
      ),
      graphiql.click(".graphiql-execute-button"),
    ]);
    const body = (await answer.json()) as { data?: { relations: { totalCount: number } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.relations.totalCount).toBe(2);
    // A mouse click on a tab switches to it (press and release at its centre, as a real mouse does).
    const second = graphiql.locator(".graphiql-tab").nth(1);
    const box = await second.boundingBox();
    if (!box) throw new Error("the second tab is not drawn");
    await graphiql.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => second.getAttribute("aria-selected")).toBe("true");
    await graphiql.locator(".graphiql-tab").first().click();
    await expect
      .poll(() => graphiql.locator(".graphiql-tab").first().getAttribute("aria-selected"))
      .toBe("true");
    await graphiql.close();
  });
});
