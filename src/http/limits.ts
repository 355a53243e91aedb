import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { createComplexityRule } from "@pothos/plugin-complexity";
import { type ExecutionResult, type GraphQLError, type ValidationContext, validate } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { LimitsConfig } from "../config.js";
import { DomainError, limitExceeded } from "../errors.js";
import type { GraphQLContext } from "../graphql/context.js";
import { useAdmission } from "./admission.js";
import { toGraphQLError } from "./errors.js";

/**
 * The limits of a GraphQL request, in the order they apply:
 * 1. on the document alone, before anything runs (graphql-armor): tokens, depth, aliases, directives;
 * 2. on the document with its variables, before execution: the estimated cost (@pothos/plugin-complexity:
 *    every field costs 1, and a list multiplies its children by the number of items it may return);
 * 3. before execution, room for that cost among the requests executing (src/http/admission.ts);
 * 4. during execution, the request's budget (src/graphql/budget.ts): resolved items, response bytes (its own,
 *    and those of every request executing, shared), time.
 * Each refusal answers HTTP 400 with code LIMIT_EXCEEDED and the figures (time: 503 QUERY_TIMEOUT; no room, or
 * too many bytes in flight: 503 OVERLOADED).
 */
export function limitPlugins(limits: LimitsConfig): Plugin[] {
  // Thrown instead of reported, armor's refusals would reach the client as a 200.
  const report = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(toGraphQLError(limitExceeded(error.message.replace(/^Syntax Error: /, "")))),
    ],
  };
  return [
    useTokenLimit(limits.maxTokens),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ...report }),
    maxAliasesPlugin({ n: limits.maxAliases, ...report }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...report }),
    useCostLimit(limits.maxCost),
    useRequestBudget(),
    useAdmission(limits),
  ] as Plugin[];
}

/**
 * Refuses a document of more than `maxTokens` tokens while parsing it (graphql-armor), as LIMIT_EXCEEDED: armor
 * reports it as a syntax error, which yoga would answer as GRAPHQL_PARSE_FAILED.
 */
function useTokenLimit(maxTokens: number): Plugin {
  const refusals = new WeakSet<Error>();
  const armor = maxTokensPlugin({ n: maxTokens, onReject: [(_context, error) => refusals.add(error)] });
  return {
    onParse(payload) {
      armor.onParse?.(payload);
      return ({ result, replaceParseResult }) => {
        if (result instanceof Error && refusals.has(result)) {
          replaceParseResult(toGraphQLError(limitExceeded(result.message.replace(/^Syntax Error: /, ""))));
        }
      };
    },
  };
}

/**
 * Refuses, before execution, an operation whose estimated cost is over `maxCost`. It runs at execution
 * rather than as a validation rule because the cost depends on the variables (`first: $n`), and Yoga caches
 * validation by document alone.
 */
export function useCostLimit(maxCost: number): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      let refusal: DomainError | undefined;
      let estimated = 0;
      const rule = createComplexityRule({
        context: args.contextValue,
        variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
        operationName: args.operationName,
        validate: ({ complexity }) => {
          estimated = complexity;
          if (complexity > maxCost && !refusal) {
            refusal = limitExceeded(
              `The query's estimated cost is ${complexity}, over the limit of ${maxCost}: each list multiplies ` +
                "what it selects by the items it may return (first, last or limit, else its default); ask for " +
                "smaller pages or fewer nested lists.",
              { cost: complexity, maxCost },
            );
          }
        },
      });
      // Variable errors are the executor's to report, with their own message.
      validate(args.schema, args.document, [rule]);
      if (refusal) setResultAndStopExecution({ errors: [toGraphQLError(refusal)] });
      else args.contextValue.budget.estimatedCost = estimated;
    },
  };
}

/**
 * Runs each operation under its request's budget: the executor and the database reads stop when the budget's
 * signal aborts (a ceiling hit, the time up, or the client gone, which the budget follows). The answer then
 * holds that one coded error, and lists cut by their limits are named in `extensions.truncated`.
 */
export function useRequestBudget(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const { budget, request } = args.contextValue;
      budget.start();
      if (request) budget.follow(request.signal);
      // graphql-tools' executor (Yoga's) checks this signal between fields; graphql-js's types lack it.
      (args as { signal?: AbortSignal }).signal = budget.signal;
      // Finished however execution ends, a throw included: the bytes it holds count against every request.
      setExecuteFn(async (executeArgs) => {
        try {
          return await executeFn(executeArgs);
        } finally {
          budget.finish();
        }
      });
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult(withBudgetOutcome(result, args.contextValue));
        },
      };
    },
  };
}

/** The result as the client sees it once the budget has spoken: one error if it stopped, cuts listed. */
function withBudgetOutcome(result: ExecutionResult, { budget }: GraphQLContext): ExecutionResult {
  const reason = budget.signal.reason;
  if (budget.signal.aborted && reason instanceof DomainError) {
    // Every field stopped by the same abort reports it again: one error says it all.
    return { data: null, errors: [toGraphQLError(reason)] };
  }
  if (budget.truncations === 0) return result;
  return {
    ...result,
    extensions: {
      ...result.extensions,
      truncated: { lists: budget.truncations, first: budget.truncated },
    },
  };
}
