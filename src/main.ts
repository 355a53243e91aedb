// First: sets NODE_ENV before the modules that read it load.
import "./production.js";
import type { Server } from "node:http";
import { ConfigError, loadConfig } from "./config.js";
import { type OpenDatabase, openDatabase } from "./db/open.js";
import { applySchema } from "./db/schema.js";
import { createMetricsServer } from "./http/metrics.js";
import { type ServiceTracing, startTracing } from "./http/tracing.js";
import { createLogger } from "./logger.js";
import { assertPortFree } from "./net.js";
import { NlpService } from "./nlp/service.js";
import { loadSeed } from "./seed/load.js";
import { createHttpServer, drain, listen, type Readiness } from "./server.js";

/**
 * `npm start`: configuration, database (embedded unless NEO4J_URI is set), schema, seed, then HTTP.
 * SIGINT/SIGTERM drain in-flight requests, close the driver and stop the embedded JVM.
 */
async function main(): Promise<void> {
  const started = performance.now();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  const readiness: Readiness = { schemaApplied: false, seedLoaded: !config.seedOnStart };
  let database: OpenDatabase | undefined;
  let server: Server | undefined;
  let metricsServer: Server | undefined;
  let tracing: ServiceTracing | undefined;
  let stopping = false;
  // Article intake's French NLP: started now (NLP=start, in the background), on first use (on-demand), or never.
  const nlp = new NlpService(config.nlp, log.child({ component: "nlp" }));

  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    try {
      if (server?.listening) {
        await drain(server, config.shutdownTimeoutMs);
        log.info("HTTP server closed");
      }
      await nlp.stop();
      if (metricsServer?.listening) await drain(metricsServer, 1000);
      await tracing?.shutdown();
      await database?.close();
    } catch (error) {
      log.error({ err: error }, "Error while stopping");
      exitCode = 1;
    }
    log.info("Stopped");
    log.flush();
    process.exit(exitCode);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log.info(`${signal} received: draining in-flight requests, then stopping`);
      void stop(0);
    });
  }

  try {
    // A port in use should fail in a second, not after Neo4j has started.
    await assertPortFree(
      config.host,
      config.port,
      `Port ${config.port} on ${config.host} is already in use; set PORT to a free port.`,
    );
    if (config.metrics.enabled && config.metrics.port !== undefined) {
      await assertPortFree(
        config.metrics.host,
        config.metrics.port,
        `Port ${config.metrics.port} on ${config.metrics.host} is already in use; set METRICS_PORT to a free port.`,
      );
    }
    // Before the database, so that its start-up is traced too.
    if (config.tracing.enabled) tracing = await startTracing(config.tracing, log);
    database = await openDatabase(config, log);
    await applySchema(database.db, log);
    readiness.schemaApplied = true;
    if (config.seedOnStart) {
      await loadSeed(database.db, config.seedDir, log);
      readiness.seedLoaded = true;
    }
    // The models load while the service serves; an intake sent meanwhile waits for them.
    nlp.startIfConfigured().catch((error: unknown) => log.warn({ err: error }, "French NLP did not start"));
    server = createHttpServer({
      db: database.db,
      readiness,
      log,
      auth: config.auth,
      http: config.http,
      limits: config.limits,
      nlp,
      metrics: config.metrics,
      tracing,
      subscriptions: config.subscriptions,
    });
    const address = await listen(server, config.host, config.port);
    if (config.metrics.enabled && config.metrics.port !== undefined) {
      metricsServer = createMetricsServer();
      const at = await listen(metricsServer, config.metrics.host, config.metrics.port);
      log.info(`Metrics at http://${at.address}:${at.port}/metrics`);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    log.info(
      { startupSeconds: Number(seconds), pid: process.pid },
      `GraphQL service ready at http://${host}:${address.port}/graphql (started in ${seconds} s)`,
    );
  } catch (error) {
    log.error((error as Error).message);
    await stop(1);
  }
}

void main();
