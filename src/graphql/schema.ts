import { builder } from "./builder.js";
import "./types/source.js";

/** The executable schema: importing each domain type file registers it on the builder. */
export const schema = builder.toSchema({ sortSchema: false });
