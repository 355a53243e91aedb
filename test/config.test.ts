import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("configuration", () => {
  it("has defaults that start the embedded Neo4j and serve on 127.0.0.1:4000", () => {
    const config = loadConfig({});
    expect(config.host).toBe("127.0.0.1");
    expect(config.port).toBe(4000);
    expect(config.neo4j.uri).toBeUndefined();
    expect(config.embedded.dataDir).toMatch(/\.data\/neo4j$/);
  });

  it("names every bad variable and what it allows", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", LOG_LEVEL: "loud", NEO4J_URI: "not a uri", NEO4J_HEAP_MB: "-5" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT: must be a port from 0 to 65535 (0 = any free port); got "eighty"');
    expect(message).toContain("LOG_LEVEL");
    expect(message).toContain("fatal,error,warn,info,debug,trace,silent");
    expect(message).toContain("NEO4J_URI");
    expect(message).toContain("NEO4J_HEAP_MB: must be a positive whole number");
  });

  it("takes port 0 for any free port", () => {
    expect(loadConfig({ PORT: "0", NEO4J_BOLT_PORT: "0" })).toMatchObject({
      port: 0,
      embedded: { boltPort: 0 },
    });
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/PORT: must be a port from 0 to 65535/);
  });

  it("rejects a password the embedded Neo4j would refuse", () => {
    expect(() => loadConfig({ NEO4J_PASSWORD: "short" })).toThrow(
      /NEO4J_PASSWORD: must be at least 8 characters/,
    );
  });

  it("uses an external Neo4j when NEO4J_URI is set", () => {
    const config = loadConfig({ NEO4J_URI: "neo4j://cluster.example:7687", NEO4J_DATABASE: "actors" });
    expect(config.neo4j.uri).toBe("neo4j://cluster.example:7687");
    expect(config.neo4j.database).toBe("actors");
  });
});
