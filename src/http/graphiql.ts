/**
 * What GraphiQL opens on: one tab per example query of the README (test/graphiql.test.ts checks that each is
 * the README's block and that it runs), the first with a comment saying where the schema's documentation is.
 * GraphiQL uses these only for a browser that has no tabs of its own stored yet.
 */

const docs = `# Actor graph: GraphQL over political and military actors, every relation cited from its sources.
# Each tab holds one of the README's example queries; press Run (the pink button, or Ctrl-Enter).
# The schema's documentation: the book icon at the top left (Documentation Explorer), or
# schema/schema.graphql in the repository. The graph explorer is at /.
`;

/** The README's example queries, each under the question it answers. */
const examples: { question: string; query: string }[] = [
  {
    question: "Which Russian officials visited Mali, and when?",
    query: `query RussianVisitsToMali {
  relations(filter: { types: [VISIT], actor: "mali", direction: INCOMING }) {
    totalCount
    edges {
      node {
        from { name description }
        at { value precision }
        note
        citations { quote source { key } }
      }
    }
  }
}
`,
  },
  {
    question: "How is Wagner connected to Goïta?",
    query: `query WagnerToGoita {
  paths(from: "wagner", to: "assimi-goita") {
    length
    steps {
      from { name }
      to { name }
      relation {
        type
        contested
        citations { quote stance speaker { name } }
      }
    }
  }
}
`,
  },
  {
    question: "What does the Russian foreign ministry claim?",
    query: `query RussianForeignMinistryClaims {
  relations(first: 30, filter: { speaker: "russian-foreign-ministry" }) {
    totalCount
    edges {
      node {
        type
        from { name }
        to { name }
        at { value precision }
        citations(stances: [ASSERTS]) { quote speaker { name } }
      }
    }
  }
}
`,
  },
  {
    question: "Who accuses whom, and who denies it?",
    query: `query ContestedClaims {
  claims {
    relation { type from { name } to { name } }
    supporting { stance quote speaker { name } }
    denying { stance quote speaker { name } }
  }
}
`,
  },
  {
    question: "Who disputes what, and how much rests on it?",
    query: `query ClaimLedgers {
  claims(orderBy: FEWEST_SOURCES) {
    relation { type from { name } to { name } answeredBy { type from { name } } }
    ledger {
      sources
      singleSource
      assertedOnlyByAParty
      stances { stance citations sources speakers { name } }
    }
  }
}
`,
  },
  {
    question: "What changed between 2021 and 2025?",
    query: `query ChangesAroundMali {
  changes(from: "2021", to: "2025", actor: "mali") {
    kind
    on { value precision }
    relation { type from { name } to { name } }
    citations(limit: 1) { quote source { key } }
  }
}
`,
  },
  {
    question: "What was known on 1 January 2022?",
    query: `query KnownOnFirstJanuary2022 {
  relations(first: 30, filter: { knownOn: "2022-01-01" }) {
    totalCount
    edges {
      node {
        type
        from { name }
        to { name }
        citations(knownOn: "2022-01-01") { quote speaker { name } reportedOn { value precision } }
      }
    }
  }
}
`,
  },
  {
    question: "Lavrov's own words: his citations only.",
    query: `query LavrovsOwnWords {
  relations(filter: { speaker: "sergei-lavrov" }) {
    edges { node { type from { name } to { name } citations(speaker: "sergei-lavrov") { quote stance } } }
  }
}
`,
  },
  {
    question: "What did the graph look like on 1 June 2021?",
    query: `query GraphOnFirstJune2021 {
  subgraph(actors: ["mali", "russia", "barkhane"], depth: 2, asOf: "2021-06-01") {
    nodes { name kind }
    edges {
      type
      from { name }
      to { name }
      at { value precision }
      start { value precision }
      end { value precision }
    }
  }
}
`,
  },
  {
    question: "Find an actor without typing accents.",
    query: `query SearchWithoutAccents {
  searchActors(query: "goita") {
    totalCount
    edges {
      score
      match
      matchedName
      node {
        key
        name
        aliases
        relations(types: [RISE_TO_POWER, OFFICE, VISIT]) { type to { name } role at { value precision } }
      }
    }
  }
}
`,
  },
  {
    question: 'Which quotes say "instructeurs", and who do they name?',
    query: `query QuotesSayingInstructeurs {
  searchQuotes(query: "instructeurs", first: 5) {
    totalCount
    edges {
      score
      highlights { start end }
      mentions { actor { name } start end }
      node { quote source { key } relation { type from { name } to { name } } }
    }
  }
}
`,
  },
  {
    question: "Which sources mention Barkhane?",
    query: `query SourcesMentioningBarkhane {
  actor(key: "barkhane") { mentionedIn { source { key } count starts ends } }
  searchSources(query: "Barkhane") {
    edges { node { key title } snippets(limit: 2, chars: 60) { text start end highlights { start end } } }
  }
}
`,
  },
  {
    question: "Read an article with its quotes highlighted.",
    query: `query ArticleWithQuotes {
  source(key: "src-004-dw-mali-dit-oui-russie") {
    title
    author
    published
    citations {
      stance
      speaker { name }
      relation { type from { name } to { name } }
      context(chars: 60) { before quote after }
    }
  }
}
`,
  },
  {
    question: "How big is the graph?",
    query: `query GraphSize {
  stats {
    actorsByKind { key count }
    relationsByType { key count }
  }
}
`,
  },
];

/** GraphiQL's default tabs: each example with its question as a comment; the first also says where the docs are. */
export const graphiqlTabs = examples.map(({ question, query }, index) => ({
  query: `${index === 0 ? docs : ""}# ${question}\n${query}`,
}));

/** The README's example queries, for the test that keeps them and the README the same. */
export const graphiqlExamples = examples;
