// Constraints and indexes of the actor graph. Applied at every start-up; each statement is idempotent.
// The graph model is drawn in schema/MODEL.md.

// Every node kind is found by its stable id.
CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (s:Source) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT citation_id IF NOT EXISTS FOR (c:Citation) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT seed_state_id IF NOT EXISTS FOR (m:SeedState) REQUIRE m.id IS UNIQUE;

// A relation is one RELATION relationship between two actors; its id is unique across the graph.
CREATE CONSTRAINT relation_id IF NOT EXISTS FOR ()-[r:RELATION]-() REQUIRE r.id IS UNIQUE;
CREATE INDEX relation_type IF NOT EXISTS FOR ()-[r:RELATION]-() ON (r.type);
// Claim -> its answers: the few relations that address others (a denial, an accusation) are found by this index
// on their list of addressed keys, which only they have (src/db/graph.ts answersOfRelations).
CREATE INDEX relation_addresses IF NOT EXISTS FOR ()-[r:RELATION]-() ON (r.addresses);

// Relation -> citations: an index seek on the citation's relation id.
CREATE INDEX citation_relation IF NOT EXISTS FOR (c:Citation) ON (c.relationId);
// Source -> citations (a source's quotes, the relations it supports): the same, on the source id.
CREATE INDEX citation_source IF NOT EXISTS FOR (c:Citation) ON (c.sourceId);

CREATE INDEX actor_kind IF NOT EXISTS FOR (a:Actor) ON (a.kind);

// Actor search by any name form, accents and case folded (standard-folding = ASCII folding + lower case).
CREATE FULLTEXT INDEX actor_names IF NOT EXISTS FOR (a:Actor) ON EACH [a.searchText]
  OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-folding' } };

// The history of analysts' writes; a client's idempotency key is used once.
CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT change_client_key IF NOT EXISTS FOR (c:Change) REQUIRE c.clientKey IS UNIQUE;

// The graph's write lock: every analyst write and seed load locks this one node first (src/db/writes.ts
// lockGraph), so writes run one after another and each checks what the previous one committed.
CREATE CONSTRAINT write_lock_id IF NOT EXISTS FOR (l:WriteLock) REQUIRE l.id IS UNIQUE;
MERGE (:WriteLock {id: 'graph'});
