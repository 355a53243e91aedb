import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { createComplexityRule } from "@pothos/plugin-complexity";
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type ValidationContext,
  validate,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { LimitsConfig } from "../config.js";
import { DomainError, limitExceeded } from "../domain/errors.js";
import type { GraphQLContext } from "../graphql/context.js";
import { telemetry, traced } from "../telemetry.js";
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
  const report = (limit: string) => {
    // Armor may reject one document more than once (at each field too deep): it is one refusal.
    const counted = new WeakSet<ValidationContext>();
    return {
      exposeLimits: true,
      propagateOnRejection: false,
      onReject: [
        (context: ValidationContext | null, error: GraphQLError) => {
          if (context && !counted.has(context)) {
            counted.add(context);
            telemetry.measurements?.refusal(limit);
          }
          context?.reportError(toGraphQLError(limitExceeded(error.message.replace(/^Syntax Error: /, ""))));
        },
      ],
    };
  };
  return [
    useTokenLimit(limits.maxTokens),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ...report("depth") }),
    maxAliasesPlugin({ n: limits.maxAliases, ...report("aliases") }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...report("directives") }),
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
          telemetry.measurements?.refusal("tokens");
          replaceParseResult(toGraphQLError(limitExceeded(result.message.replace(/^Syntax Error: /, ""))));
        }
      };
    },
  };
}

/**
 * Most estimated costs remembered per document (one per operation name and variables), and the longest key,
 * in characters of their JSON, that is remembered: Yoga's parse cache holds up to 1,024 documents, so at most
 * about 8 MB of keys whatever clients send (two bytes a character); larger variables are estimated every time.
 */
const costsPerDocument = 8;
const rememberedKeyChars = 512;

/**
 * The key an estimate is remembered under: the operation name and the variables as JSON; null (estimate every
 * time) for variables of more than 64 values or nested deeper than 4 levels, which are never serialized (a
 * client may send variables nested deep enough to overflow the stack), or a key over `rememberedKeyChars`.
 */
function estimateKey(operationName: string | null | undefined, variables: unknown): string | null {
  let values = 64;
  const small = (value: unknown, depth: number): boolean =>
    --values >= 0 &&
    (value === null ||
      typeof value !== "object" ||
      (depth < 4 && Object.values(value).every((item) => small(item, depth + 1))));
  if (!small(variables ?? {}, 0)) return null;
  const key = JSON.stringify([operationName ?? null, variables ?? {}]);
  return key.length <= rememberedKeyChars ? key : null;
}

/**
 * Refuses, before execution, an operation whose estimated cost is over `maxCost`. It runs at execution
 * rather than as a validation rule because the cost depends on the variables (`first: $n`), and Yoga caches
 * validation by document alone. The cost is a function of the document, the operation and the variables only
 * (every field's complexity reads its arguments), so it is computed once for each and remembered with the
 * document, which Yoga's parse cache hands to every request that sends the same text: walking the document
 * with the schema's type information cost a sixth of the service's CPU for a two-hop neighbourhood.
 * (`costsPerDocument` and `rememberedKeyChars` bound what it remembers.)
 */
export function useCostLimit(maxCost: number): Plugin<GraphQLContext> {
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const estimate = (args: ExecutionArgs): number => {
    let known = costs.get(args.document);
    if (!known) {
      known = new Map<string, number>();
      costs.set(args.document, known);
    }
    const key = estimateKey(args.operationName, args.variableValues);
    const remembered = key === null ? undefined : known.get(key);
    if (remembered !== undefined) return remembered;
    let estimated = 0;
    const rule = createComplexityRule({
      context: args.contextValue as GraphQLContext,
      variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
      operationName: args.operationName,
      validate: ({ complexity }) => {
        estimated = Math.max(estimated, complexity);
      },
    });
    // Variable errors are the executor's to report, with their own message.
    validate(args.schema, args.document, [rule]);
    if (key !== null) {
      if (known.size >= costsPerDocument) known.clear();
      known.set(key, estimated);
    }
    return estimated;
  };
  /** Sets the estimate on the budget; refuses an operation over the limit. */
  const check = (args: ExecutionArgs, stop: (result: ExecutionResult) => void) => {
    const context = args.contextValue as GraphQLContext;
    const estimated = traced("graphql cost", {}, () => estimate(args), context.request);
    // Refused or not, the estimate is the request's: the metrics see the refused ones too.
    context.budget.estimatedCost = estimated;
    if (estimated > maxCost) {
      telemetry.measurements?.refusal("cost");
      const refusal = limitExceeded(
        `The query's estimated cost is ${estimated}, over the limit of ${maxCost}: each list multiplies ` +
          "what it selects by the items it may return (first, last or limit, else its default); ask for " +
          "smaller pages or fewer nested lists.",
        { cost: estimated, maxCost },
      );
      stop({ errors: [toGraphQLError(refusal)] });
    }
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => check(args, setResultAndStopExecution),
    // A subscription's document is estimated as a query's: each event it delivers costs what one execution does.
    onSubscribe: ({ args, setResultAndStopExecution }) => check(args, setResultAndStopExecution),
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
