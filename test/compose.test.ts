import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectRoot } from "../src/domain/project.js";

// There is no Docker engine here: the file is checked by dclint (Compose schema and lint rules) and by
// the facts docs/configuration.md promises about it.
describe("docker-compose.yml", () => {
  const file = path.join(projectRoot, "docker-compose.yml");

  it("passes dclint with no error and no warning", async () => {
    const run = promisify(execFile);
    const { stdout, stderr } = await run(path.join(projectRoot, "node_modules/.bin/dclint"), [file], {
      cwd: projectRoot,
    });
    expect(`${stdout}${stderr}`.trim()).toBe("");
  });

  it("runs the official Neo4j 5.26 Community image, healthy before the service starts", async () => {
    const compose = parse(await readFile(file, "utf8"));
    const neo4j = compose.services.neo4j;
    expect(neo4j.image).toBe("neo4j:5.26-community");
    expect(neo4j.environment.NEO4J_AUTH).toContain("${NEO4J_PASSWORD");
    expect(neo4j.healthcheck.test.join(" ")).toContain("cypher-shell");
    expect(neo4j.volumes).toContain("neo4j-data:/data");
    expect(Object.keys(compose.volumes)).toContain("neo4j-data");
    const service = compose.services.graphql;
    expect(service.depends_on.neo4j.condition).toBe("service_healthy");
    expect(service.environment.NEO4J_URI).toBe("bolt://neo4j:7687");
    expect(service.ports.every((port: string) => port.startsWith("127.0.0.1:"))).toBe(true);
  });
});
