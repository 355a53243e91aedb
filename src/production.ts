/**
 * Imported first by `src/main.ts` (the service as `npm start` and the Docker image run it), before any module
 * that reads NODE_ENV when it loads: unless NODE_ENV says otherwise, the service runs as production. graphql-js
 * then checks its types with a plain `instanceof`; its development check for a second copy of graphql was
 * about 3% of the service's CPU on large answers. Tests and scripts keep the development checks.
 */
process.env.NODE_ENV ??= "production";
