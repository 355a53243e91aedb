import { loadConfig } from "../../src/config.js";

/** A development server's HTTP settings and limits: the configuration's defaults, as an empty environment gives them. */
export const { http: defaultHttp, limits: defaultLimits } = loadConfig({});
