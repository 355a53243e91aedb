import { builder } from "./builder.js";
import "./types/vocabulary.js";
import "./types/actor.js";
import "./types/relation.js";
import "./types/citation.js";
import "./types/source.js";
import "./types/mention.js";
import "./types/search.js";
import "./types/traversal.js";
import "./types/stats.js";
import "./types/change.js";
import "./types/time-change.js";
import "./types/timeline.js";
import "./types/mutation.js";
import "./types/evidence.js";
import "./types/source-writes.js";
import "./types/api-key.js";
import "./types/proposal.js";

/** The executable schema: importing each domain type file registers it on the builder. */
export const schema = builder.toSchema({ sortSchema: false });
