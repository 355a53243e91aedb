import { loadConfig } from "../../src/config.js";

/**
 * A development server's HTTP settings, limits and database timeouts: the configuration's defaults, as an empty
 * environment gives them.
 */
export const { http: defaultHttp, limits: defaultLimits, neo4j: defaultNeo4j } = loadConfig({});
