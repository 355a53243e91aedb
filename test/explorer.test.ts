import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../src/config.js";
import type { Database } from "../src/db/database.js";
import { seededDatabase, serveOnLoopback } from "./support/server.js";

/**
 * The explorer in real headless Chromium (Debian's, driven by playwright-core): search, expand, read a
 * citation, move the date slider; it saves the screenshot the README shows.
 */
describe("graph explorer in a browser", () => {
  let db: Database;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let base: string;
  let browser: Browser;
  let page: Page;
  const failedRequests: string[] = [];

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
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Everything the page loads must come from this server: no CDN.
    page.on("request", (request) => {
      if (!request.url().startsWith(base)) failedRequests.push(request.url());
    });
    page.on("pageerror", (error) => failedRequests.push(`page error: ${error.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await served.close();
    await db.close();
  });

  it("searches an actor, expands it, opens a citation with its quote highlighted", async () => {
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator("#types input").count()).toBeGreaterThan(5);

    await page.fill("#search", "goita");
    const result = page.locator("#results button", { hasText: "Assimi Goïta" });
    await result.waitFor();
    await result.click();
    const shown = async () => Number((await page.textContent("#status"))?.match(/^(\d+) actors/)?.[1]);
    await expect.poll(shown).toBeGreaterThan(1);

    // The actor's panel lists its relations; expand Mali by clicking its node where Cytoscape drew it.
    expect(await page.textContent("#details h2")).toBe("Assimi Goïta");
    const click = async (selector: string) => {
      const point = await page.evaluate((id) => {
        const cy = (window as unknown as { explorer: { cy: import("cytoscape").Core } }).explorer.cy;
        const element = cy.getElementById(id);
        const box = cy.container()?.getBoundingClientRect() as DOMRect;
        const position = element.isNode()
          ? element.renderedPosition()
          : (element as unknown as import("cytoscape").EdgeSingular).renderedMidpoint();
        return { x: box.left + position.x, y: box.top + position.y };
      }, selector);
      await page.mouse.click(point.x, point.y);
    };
    const before = await shown();
    await click("mali");
    await expect.poll(shown).toBeGreaterThan(before);

    expect(await page.textContent("#details h2")).toBe("Mali");

    // Open Goïta's office from Mali's relations: the quote shows highlighted within its paragraph.
    await page.locator('#details button[data-relation="rel-goita-office-mali"]').click();
    await page.locator("#details mark").first().waitFor();
    expect(await page.textContent("#details h2")).toBe("Assimi Goïta → Mali");
    const marked = await page.locator("#details mark").allTextContents();
    expect(marked.length).toBeGreaterThan(0);
    const { records } = await db.read(
      "MATCH (c:Citation {relationId: 'rel-goita-office-mali'}) RETURN c.quote AS quote",
    );
    expect(marked).toEqual(expect.arrayContaining(records.map((r) => r.get("quote"))));

    await page.screenshot({ path: path.join(projectRoot, "docs", "explorer.png") });
    expect(failedRequests).toEqual([]);
  });

  it("moves the date slider: the graph as of a year shows only what was in force", async () => {
    const count = async () => Number((await page.textContent("#status"))?.match(/(\d+) relations/)?.[1]);
    const all = await count();
    await page.uncheck("#all-dates");
    await page.locator("#year").fill("2021");
    await page.locator("#year").dispatchEvent("change");
    await expect.poll(() => page.textContent("#status")).toMatch(/as of 2021-12-31\.$/);
    expect(await count()).toBeLessThan(all);
    await page.check("#all-dates");
    await expect.poll(count).toBe(all);
  });
});
