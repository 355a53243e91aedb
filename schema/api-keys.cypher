// API keys created at runtime (src/db/api-keys.ts, docs/decisions/029-runtime-api-keys.md). A key's name is unique
// and never reused: the history of writes names its author by it. Its hash (SHA-256 of the key, hex) is unique
// too, and the constraint's index is how each request finds the key it presents: one index seek.
CREATE CONSTRAINT api_key_name IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.name IS UNIQUE;
CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.hash IS UNIQUE;
