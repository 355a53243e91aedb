import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { connect, type Database } from "./database.js";
import { type EmbeddedNeo4j, startEmbeddedNeo4j } from "./embedded.js";

export interface OpenDatabase {
  db: Database;
  /** The embedded Neo4j this process started, if NEO4J_URI was unset. */
  embedded: EmbeddedNeo4j | undefined;
  close(): Promise<void>;
}

/**
 * Connects to NEO4J_URI, or starts the embedded Neo4j (supervised: restarted if it dies) and connects to it.
 * Either way the driver reconnects by itself once a lost database answers again. `close` stops what it
 * started, without restart.
 */
export async function openDatabase(
  config: Pick<Config, "neo4j" | "embedded">,
  log: Logger,
): Promise<OpenDatabase> {
  const embedded = config.neo4j.uri
    ? undefined
    : await startEmbeddedNeo4j({ ...config.embedded, password: config.neo4j.password }, log);
  try {
    const db = await connect(
      { ...config.neo4j, uri: config.neo4j.uri ?? (embedded as EmbeddedNeo4j).uri },
      log,
      embedded?.storage,
    );
    return {
      db,
      embedded,
      close: async () => {
        await db.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
