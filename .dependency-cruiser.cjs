/**
 * The layering of src/ (docs/decisions/019-layout.md), checked by `npm run lint`: imports run one way, from the
 * HTTP surface and the commands down to the domain core, with no circle.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import circle: two modules that need each other are one module, or need a third.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "domain-is-a-leaf",
      severity: "error",
      comment: "The domain core (grammar, text, dates, vocabulary, model) imports nothing else of ours.",
      from: { path: "^src/domain/" },
      to: { path: "^src/", pathNot: "^src/domain/" },
    },
    {
      name: "db-does-not-import-upward",
      severity: "error",
      comment: "The database layer knows the domain, never the seed files, GraphQL, HTTP or a command.",
      from: { path: "^src/db/" },
      to: { path: "^src/(seed|ingest|intake|export|graphql|http|cli)/|^src/(server|main)\\.ts$" },
    },
    {
      name: "processes-know-only-the-domain",
      severity: "error",
      comment:
        "Our Java processes (src/jvm/) and the NLP process (src/nlp/) know the domain, never the database layer or what sits above it.",
      from: { path: "^src/(jvm|nlp)/" },
      to: { path: "^src/(db|seed|ingest|intake|export|graphql|http|cli)/|^src/(server|main)\\.ts$" },
    },
    {
      name: "jvm-serves-its-users",
      severity: "error",
      comment: "src/jvm/ starts Java processes for the database and NLP layers; it knows neither.",
      from: { path: "^src/jvm/" },
      to: { path: "^src/nlp/" },
    },
    {
      name: "loaders-do-not-import-surfaces",
      severity: "error",
      comment:
        "Seed, ingest, intake and export sit beside each other under GraphQL and HTTP, and never import a command.",
      from: { path: "^src/(seed|ingest|intake|export)/" },
      to: { path: "^src/(graphql|http|cli)/|^src/(server|main)\\.ts$" },
    },
    {
      name: "graphql-does-not-import-http",
      severity: "error",
      comment: "The schema is served by the HTTP layer; it does not know it.",
      from: { path: "^src/graphql/" },
      to: { path: "^src/(http|cli)/|^src/(server|main)\\.ts$" },
    },
    {
      name: "nothing-imports-a-command",
      severity: "error",
      comment: "Commands (src/cli/) are entry points: only other commands import them.",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
