import { Semaphore, type SemaphoreInterface, withTimeout } from "async-mutex";
import type { Plugin } from "graphql-yoga";
import { DomainError, overloaded } from "../domain/errors.js";
import type { GraphQLContext } from "../graphql/context.js";
import { telemetry } from "../telemetry.js";
import { toGraphQLError } from "./errors.js";

/** How much work the service executes at once, and how long a request may wait for its turn. */
export interface AdmissionLimits {
  /** Most estimated cost (the cost limit's estimate: fields times list sizes) executing at once. */
  maxCostInFlight: number;
  /** Most requests waiting for room; one more is refused at once. */
  maxQueued: number;
  /** Longest a request waits for room, in milliseconds; its request time (the budget's clock) runs meanwhile. */
  queueTimeoutMs: number;
}

/**
 * Room is counted in units of this much estimated cost, a request taking at least one: async-mutex's semaphore
 * spends time in proportion to its capacity on every turn, and the unit also bounds how many requests execute
 * at once (200 with the default MAX_COST_IN_FLIGHT).
 */
const costPerUnit = 1000;

/**
 * Admission control: each operation executes only once its estimated cost (set on the budget by the cost
 * limit, src/http/limits.ts) fits under `maxCostInFlight` beside what is executing already; until then it
 * waits in a first-in, first-out queue (async-mutex's weighted semaphore), so that a heavy request does not
 * starve behind light ones. Memory in use grows with the cost in flight, not with the number of clients: with
 * the shared bound on answer bytes (BytesInFlight, src/graphql/budget.ts), this is what lets the process run
 * under a fixed heap ceiling (`npm start`) without running out of it.
 * A request finding `maxQueued` others waiting, or waiting longer than `queueTimeoutMs`, answers 503
 * OVERLOADED with Retry-After; one whose client goes away while it waits leaves at once.
 * Place it after the cost limit and the request budget (it reads the one and waits on the other's clock).
 */
export function useAdmission(limits: AdmissionLimits): Plugin<GraphQLContext> {
  const queueTimeout = new Error("queue timeout");
  const capacity = Math.max(1, Math.floor(limits.maxCostInFlight / costPerUnit));
  const room: SemaphoreInterface = withTimeout(new Semaphore(capacity), limits.queueTimeoutMs, queueTimeout);
  let waiting = 0;
  const refusal = (message: string) =>
    overloaded(`${message}; try again in a moment.`, {
      costInFlight: (capacity - room.getValue()) * costPerUnit,
      maxCostInFlight: limits.maxCostInFlight,
      waiting,
      maxQueued: limits.maxQueued,
    });

  /** Waits for `weight` of room: its releaser, or the coded error that answers instead. */
  async function enter(weight: number, signal: AbortSignal): Promise<() => void> {
    if (room.getValue() < weight && waiting >= limits.maxQueued) {
      telemetry.measurements?.refusal("admission_queue");
      throw refusal(`${waiting} requests are already waiting for the service`);
    }
    waiting += 1;
    telemetry.measurements?.queued(1);
    const turn = room.acquire(weight);
    let onAbort = () => {};
    const gone = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const [, release] = await Promise.race([turn, gone]);
      return release;
    } catch (error) {
      // A turn that comes after its request left is handed back at once.
      void turn.then(([, release]) => release()).catch(() => {});
      if (error === queueTimeout) {
        telemetry.measurements?.refusal("admission_timeout");
        throw refusal(`The request waited ${limits.queueTimeoutMs} ms for room to execute`);
      }
      throw error;
    } finally {
      waiting -= 1;
      telemetry.measurements?.queued(-1);
      signal.removeEventListener("abort", onAbort);
    }
  }

  return {
    async onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const { budget } = args.contextValue;
      // A request above the ceiling was refused by the cost limit; the clamp keeps a lower MAX_COST_IN_FLIGHT usable.
      const weight = Math.min(Math.ceil(Math.max(1, budget.estimatedCost) / costPerUnit), capacity);
      let release: () => void;
      try {
        // The budget's signal aborts when the time is up or the client leaves (it follows the request's).
        release = await enter(weight, budget.signal);
      } catch (error) {
        // The client went away while waiting: nobody reads the answer, the executor must not run.
        const reason =
          error instanceof DomainError ? error : refusal("The client left while the request waited");
        // It never executes: its clock stops here.
        budget.finish();
        setResultAndStopExecution({ errors: [toGraphQLError(reason)] });
        return;
      }
      // Released however execution ends, a throw included: lost room would never come back.
      setExecuteFn(async (executeArgs) => {
        try {
          return await executeFn(executeArgs);
        } finally {
          release();
        }
      });
    },
  };
}
