import type {
  ActorRecord,
  CitationRecord,
  MentionRecord,
  RelationRecord,
  SourceRecord,
} from "../db/graph.js";
import type { Mention } from "../seed/mentions.js";
import { builder } from "./builder.js";

/**
 * The refs of the graph's object types, declared once: each type's own file under types/ implements its ref,
 * and any file may name the others here, so the type files never import one another.
 */
export const ActorRef = builder.interfaceRef<ActorRecord>("Actor");
export const RelationRef = builder.objectRef<RelationRecord>("Relation");
export const CitationRef = builder.objectRef<CitationRecord>("Citation");
export const SourceRef = builder.objectRef<SourceRecord>("Source");
/** Where a source names an actor: all its mentions there (a source's list, an actor's mentionedIn). */
export const MentionRef = builder.objectRef<MentionRecord>("Mention");
/** One mention, a span of a source's text (a new source's mentions, a search hit's). */
export const MentionHitRef = builder.objectRef<Mention>("MentionHit");
