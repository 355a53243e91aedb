import { requireRole } from "../../auth.js";
import type { CitationRecord } from "../../db/records/citation.js";
import { vocabulary } from "../../domain/vocabulary.js";
import { citeRelation, withdrawCitation } from "../../ingest/evidence.js";
import { boundedListField } from "../bounded-list.js";
import { bounds } from "../bounds.js";
import { builder } from "../builder.js";
import { citationListReads } from "../citation-filter.js";
import { forgetWritten, loaders, referenced } from "../loaders.js";
import { reads } from "../projection.js";
import { CitationRef, RelationRef } from "../refs.js";
import { CitationInput, citationFromInput, clientKeyDescription, type WriteResult } from "./mutation.js";

/**
 * A relation's evidence as it grows and is corrected (docs/writing.md, "Cite an existing relation"): citeRelation
 * adds citations to an existing relation, withdrawCitation withdraws one; a withdrawn citation stays readable,
 * with its withdrawal, by its id and in its relation's `withdrawnCitations`. The work is the write service's
 * (src/ingest/evidence.ts).
 */

interface Withdrawal {
  at: string;
  by: string;
  reason: string;
}

const WithdrawalRef = builder.objectRef<Withdrawal>("Withdrawal").implement({
  description: "Who withdrew a citation from its relation, when and why.",
  fields: (t) => ({
    at: t.exposeString("at", { description: "When (ISO 8601, UTC)." }),
    by: t.exposeString("by", { description: "Who." }),
    reason: t.exposeString("reason", { description: "Why." }),
  }),
});

builder.objectFields(CitationRef, (t) => ({
  withdrawal: t.field({
    extensions: reads({ citation: ["withdrawnAt", "withdrawnBy", "withdrawalReason"] }),
    type: WithdrawalRef,
    nullable: true,
    description:
      "Set when the citation was withdrawn: it no longer counts for its relation (ledger, contested, claims, " +
      "lists and filters) and is read only by its id or in Relation.withdrawnCitations.",
    resolve: (c) =>
      c.withdrawnAt ? { at: c.withdrawnAt, by: c.withdrawnBy ?? "", reason: c.withdrawalReason ?? "" } : null,
  }),
}));

builder.objectFields(RelationRef, (t) => ({
  withdrawnCitations: boundedListField(t, {
    extensions: citationListReads,
    type: [CitationRef],
    description: "The citations withdrawn from the relation, each with its withdrawal, by key.",
    bound: bounds.citationsOfRelation,
    what: "citations",
    resolve: (r, _args, context) => loaders.withdrawnCitationsOfRelation(context).load(r.key),
  }),
}));

const CiteRelationInput = builder.inputType("CiteRelationInput", {
  description: "More evidence for a relation the graph holds: citations from any stored source.",
  fields: (t) => ({
    relation: t.string({ required: true, description: "The relation's key (not retracted)." }),
    citations: t.field({
      type: [CitationInput],
      required: true,
      description:
        "At least one citation, checked as assertRelation checks them; a passage the relation already cites is " +
        "refused.",
    }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

const WithdrawCitationInput = builder.inputType("WithdrawCitationInput", {
  description: "A citation to withdraw from its relation; it stays readable with its withdrawal.",
  fields: (t) => ({
    citation: t.string({
      required: true,
      description: "The citation's key (Citation.key): its relation's key, # and its number.",
    }),
    reason: t.string({ required: true, description: "Why (required)." }),
    clientKey: t.string({ description: clientKeyDescription }),
  }),
});

const CiteRelationPayloadRef = builder
  .objectRef<WriteResult<{ key: string; citations: string[] }>>("CiteRelationPayload")
  .implement({
    description: "The relation as it stands after the write, and the citations added.",
    fields: (t) => ({
      relation: t.field({
        type: RelationRef,
        description: "The relation, its contested flag and ledger recomputed.",
        resolve: (r, _args, context) => referenced(RelationRef, context, "relation", r.value.key),
      }),
      citations: t.field({
        type: [CitationRef],
        description: "The citations this write added, in input order.",
        resolve: async (r, _args, context) => {
          const found = await CitationRef.getDataloader(context).loadMany(r.value.citations);
          return found.filter((c): c is CitationRecord => c !== null && !(c instanceof Error));
        },
      }),
      changeId: t.id({ description: "The history entry of this write.", resolve: (r) => r.changeId }),
      replayed: t.boolean({
        description: "True when this answers a repeated clientKey.",
        resolve: (r) => r.replayed,
      }),
    }),
  });

const WithdrawCitationPayloadRef = builder
  .objectRef<WriteResult<{ citation: string; relation: string }>>("WithdrawCitationPayload")
  .implement({
    description:
      "The withdrawn citation, with its withdrawal, and its relation as it stands after the write.",
    fields: (t) => ({
      citation: t.field({
        type: CitationRef,
        description: "The citation, with its withdrawal.",
        resolve: (r, _args, context) => referenced(CitationRef, context, "citation", r.value.citation),
      }),
      relation: t.field({
        type: RelationRef,
        description: "Its relation, its contested flag and ledger recomputed.",
        resolve: (r, _args, context) => referenced(RelationRef, context, "relation", r.value.relation),
      }),
      changeId: t.id({ description: "The history entry of this write.", resolve: (r) => r.changeId }),
      replayed: t.boolean({
        description: "True when this answers a repeated clientKey.",
        resolve: (r) => r.replayed,
      }),
    }),
  });

builder.mutationFields((t) => ({
  citeRelation: t.field({
    type: CiteRelationPayloadRef,
    description:
      "Adds citations to an existing relation (corroboration, or a denial: a DENIES citation makes it " +
      "contested), each quote checked against its source; recorded in the relation's history.",
    args: { input: t.arg({ type: CiteRelationInput, required: true, description: "Which and what." }) },
    resolve: async (_root, { input }, context) => {
      const writer = requireRole(context.caller, "editor");
      const request = { relation: input.relation, citations: input.citations.map(citationFromInput) };
      const { result, replayed } = await citeRelation(
        context.db,
        vocabulary,
        writer,
        request,
        input.clientKey,
      );
      forgetWritten(context, {
        relations: [result.key],
        sources: request.citations.map((c) => c.source),
      });
      return { value: result, changeId: result.changeId, replayed };
    },
  }),
  withdrawCitation: t.field({
    type: WithdrawCitationPayloadRef,
    description:
      "Withdraws one citation from its relation, with a reason: it stays readable with its withdrawal but no " +
      "longer counts. A relation's last live citation cannot be withdrawn (CONFLICT, details.rule " +
      "LAST_LIVE_CITATION): retract the relation instead.",
    args: { input: t.arg({ type: WithdrawCitationInput, required: true, description: "Which and why." }) },
    resolve: async (_root, { input }, context) => {
      const writer = requireRole(context.caller, "editor");
      const request = { citation: input.citation, reason: input.reason };
      const { result, replayed } = await withdrawCitation(context.db, writer, request, input.clientKey);
      forgetWritten(context, { relations: [result.relation] });
      return { value: result, changeId: result.changeId, replayed };
    },
  }),
}));
