// Constraints and indexes of the actor graph. Applied at every start-up; each statement is idempotent.
// The graph model is drawn in schema/MODEL.md.

// Every node kind is found by its stable id.
CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (s:Source) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT citation_id IF NOT EXISTS FOR (c:Citation) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT seed_state_id IF NOT EXISTS FOR (m:SeedState) REQUIRE m.id IS UNIQUE;
// One source per web address (normalised, src/domain/source-metadata.ts): the write service refuses a second
// one under the write lock and names the first; this constraint holds for every other writer too.
CREATE CONSTRAINT source_url IF NOT EXISTS FOR (s:Source) REQUIRE s.url IS UNIQUE;
// Data migrations done once per database (src/db/source-date-migration.ts).
CREATE CONSTRAINT migration_id IF NOT EXISTS FOR (m:Migration) REQUIRE m.id IS UNIQUE;

// A relation is one RELATION relationship between two actors; its id is unique across the graph.
CREATE CONSTRAINT relation_id IF NOT EXISTS FOR ()-[r:RELATION]-() REQUIRE r.id IS UNIQUE;
CREATE INDEX relation_type IF NOT EXISTS FOR ()-[r:RELATION]-() ON (r.type);
// Claim -> its answers: the few relations that address others (a denial, an accusation) are found by this index
// on their list of addressed keys, which only they have (src/db/graph.ts answersOfRelations).
CREATE INDEX relation_addresses IF NOT EXISTS FOR ()-[r:RELATION]-() ON (r.addresses);
// The few retracted relations (only they have retractedAt): an actor's unfiltered relations are counted as its
// degree less those (src/db/graph.ts relationsPage), without reading each relation.
CREATE INDEX relation_retracted IF NOT EXISTS FOR ()-[r:RELATION]-() ON (r.retractedAt);

// Relation -> citations: an index seek on the citation's relation id.
CREATE INDEX citation_relation IF NOT EXISTS FOR (c:Citation) ON (c.relationId);
// Source -> citations (a source's quotes, the relations it supports): the same, on the source id.
CREATE INDEX citation_source IF NOT EXISTS FOR (c:Citation) ON (c.sourceId);

CREATE INDEX actor_kind IF NOT EXISTS FOR (a:Actor) ON (a.kind);

// Search (docs/decisions/011-search.md). Each record carries its analysed form, written by src/search/analysis.ts
// (folded words, elision dropped; stemmed for texts), so the indexes only split on spaces ('whitespace').
// The first index, on 'standard-folding', dropped English stop words such as "a": it is replaced.
DROP INDEX actor_names IF EXISTS;
CREATE FULLTEXT INDEX actor_search IF NOT EXISTS FOR (a:Actor) ON EACH [a.searchNames]
  OPTIONS { indexConfig: { `fulltext.analyzer`: 'whitespace' } };
CREATE FULLTEXT INDEX citation_search IF NOT EXISTS FOR (c:Citation) ON EACH [c.searchText]
  OPTIONS { indexConfig: { `fulltext.analyzer`: 'whitespace' } };
CREATE FULLTEXT INDEX source_search IF NOT EXISTS FOR (s:Source) ON EACH [s.searchText]
  OPTIONS { indexConfig: { `fulltext.analyzer`: 'whitespace' } };
// Mentions (docs/decisions/028-mentions.md): an actor's mention keys, one word of each name (src/domain/mentions.ts
// mentionKeys), looked up with a text's words to find the actors the text may mention.
CREATE FULLTEXT INDEX actor_mention_keys IF NOT EXISTS FOR (a:Actor) ON EACH [a.mentionKeys]
  OPTIONS { indexConfig: { `fulltext.analyzer`: 'whitespace' } };
CREATE CONSTRAINT search_state_id IF NOT EXISTS FOR (m:SearchState) REQUIRE m.id IS UNIQUE;

// The history of analysts' writes; a client's idempotency key is used once.
CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT change_client_key IF NOT EXISTS FOR (c:Change) REQUIRE c.clientKey IS UNIQUE;
// Its order: 1, 2, 3... in commit order, given under the write lock; subscriptions follow it (src/db/change-log.ts).
CREATE CONSTRAINT change_sequence IF NOT EXISTS FOR (c:Change) REQUIRE c.sequence IS UNIQUE;

// The graph's write lock: every analyst write and seed load locks this one node first (src/db/writes.ts
// lockGraph), so writes run one after another and each checks what the previous one committed.
CREATE CONSTRAINT write_lock_id IF NOT EXISTS FOR (l:WriteLock) REQUIRE l.id IS UNIQUE;
MERGE (:WriteLock {id: 'graph'});
