// Article intake's proposals (docs/decisions/033-proposals.md): one node per draft, beside its source.
CREATE CONSTRAINT proposal_id IF NOT EXISTS FOR (p:Proposal) REQUIRE p.id IS UNIQUE;
// A source's proposals by status: the review's list, and the supersession of a source's pending ones.
CREATE INDEX proposal_source_status IF NOT EXISTS FOR (p:Proposal) ON (p.sourceId, p.status);
CREATE INDEX proposal_status IF NOT EXISTS FOR (p:Proposal) ON (p.status);
