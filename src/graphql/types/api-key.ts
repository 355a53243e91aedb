import { type ApiKeyView, createApiKey, listApiKeys, revokeApiKey } from "../../api-keys.js";
import { requireRole } from "../../auth.js";
import { boundedListField } from "../bounded-list.js";
import { bounds } from "../bounds.js";
import { builder } from "../builder.js";

/**
 * API keys managed at runtime by an admin (src/api-keys.ts, decision record 029): created, listed and revoked
 * here, effective on the next request at every replica. No answer ever holds a key's hash; the key itself is
 * answered once, by createApiKey.
 */

const ApiKeyRoleEnum = builder.enumType("ApiKeyRole", {
  description: "What a key may do; each role can do what the ones before it can.",
  values: {
    READER: { value: "reader", description: "Queries (where READ_ACCESS=key needs a key)." },
    EDITOR: { value: "editor", description: "Queries and analysts' writes." },
    ADMIN: { value: "admin", description: "Everything: merges and API keys too." },
  } as const,
});

const ApiKeySourceEnum = builder.enumType("ApiKeySource", {
  description: "Where a key is kept.",
  values: {
    ENVIRONMENT: {
      value: "environment",
      description: "API_KEYS, for bootstrapping: changed only there, with a restart.",
    },
    DATABASE: { value: "database", description: "Created at runtime, stored hashed in the database." },
  } as const,
});

const ApiKeyRef = builder.objectRef<ApiKeyView>("ApiKey").implement({
  description: "An API key as an admin sees it: who holds it and what it may do, never the key or its hash.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "Its holder's name, unique and never reused." }),
    role: t.field({ type: ApiKeyRoleEnum, description: "What it may do.", resolve: (k) => k.role }),
    source: t.field({ type: ApiKeySourceEnum, description: "Where it is kept.", resolve: (k) => k.source }),
    createdAt: t.exposeString("createdAt", {
      nullable: true,
      description: "When it was created (ISO 8601, UTC); null for a key of API_KEYS.",
    }),
    createdBy: t.exposeString("createdBy", {
      nullable: true,
      description: "The key (or CLI user) that created it; null for a key of API_KEYS.",
    }),
    lastUsedAt: t.exposeString("lastUsedAt", {
      nullable: true,
      description:
        "When it was last used, to within a minute (ISO 8601, UTC); null if never, and for a key of API_KEYS.",
    }),
    revokedAt: t.exposeString("revokedAt", {
      nullable: true,
      description: "When it was revoked (ISO 8601, UTC); null while it works.",
    }),
    revokedBy: t.exposeString("revokedBy", { nullable: true, description: "Who revoked it." }),
  }),
});

const CreateApiKeyInput = builder.inputType("CreateApiKeyInput", {
  description: "A new key for one person or program.",
  fields: (t) => ({
    name: t.string({
      required: true,
      description: 'Its holder: 1 to 64 letters, digits, "_", ".", "@" or "-"; never used before.',
    }),
    role: t.field({ type: ApiKeyRoleEnum, required: true, description: "What it may do." }),
  }),
});

const RevokeApiKeyInput = builder.inputType("RevokeApiKeyInput", {
  description: "The stored key to revoke.",
  fields: (t) => ({ name: t.string({ required: true, description: "The key's name." }) }),
});

const CreateApiKeyPayloadRef = builder
  .objectRef<{ key: string; apiKey: ApiKeyView }>("CreateApiKeyPayload")
  .implement({
    description: "The new key: `key` is shown this once and stored nowhere, only its hash.",
    fields: (t) => ({
      key: t.exposeString("key", {
        description: "The key to hand to its holder (Authorization: Bearer <key>); it cannot be shown again.",
      }),
      apiKey: t.field({ type: ApiKeyRef, description: "The key as listed.", resolve: (r) => r.apiKey }),
    }),
  });

const RevokeApiKeyPayloadRef = builder
  .objectRef<{ apiKey: ApiKeyView; alreadyRevoked: boolean }>("RevokeApiKeyPayload")
  .implement({
    description: "The revoked key: from the next request on it fails with UNAUTHENTICATED, on every replica.",
    fields: (t) => ({
      apiKey: t.field({ type: ApiKeyRef, description: "The key as listed.", resolve: (r) => r.apiKey }),
      alreadyRevoked: t.exposeBoolean("alreadyRevoked", {
        description: "True when it had been revoked before: nothing changed.",
      }),
    }),
  });

builder.queryField("apiKeys", (t) =>
  boundedListField(t, {
    type: [ApiKeyRef],
    description:
      "The API keys (admin only): those of API_KEYS first, then the stored ones, live before revoked, oldest first.",
    bound: bounds.apiKeys,
    what: "keys",
    resolve: (_root, _args, context, _info, count) => {
      requireRole(context.caller, "admin");
      return listApiKeys(context.db, context.environmentKeys, count);
    },
  }),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyPayloadRef,
    description:
      "Creates an API key (admin only), stored hashed; it works from the next request on, on every replica. " +
      "CONFLICT for a name used before.",
    args: { input: t.arg({ type: CreateApiKeyInput, required: true, description: "Its holder and role." }) },
    resolve: (_root, { input }, context) => {
      const admin = requireRole(context.caller, "admin");
      return createApiKey(context.db, context.environmentKeys, admin, input);
    },
  }),
  revokeApiKey: t.field({
    type: RevokeApiKeyPayloadRef,
    description:
      "Revokes a stored API key (admin only): it fails from the next request on, on every replica, and stays " +
      "listed with who revoked it and when. A key of API_KEYS is removed there instead (CONFLICT).",
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true, description: "Which key." }) },
    resolve: (_root, { input }, context) => {
      const admin = requireRole(context.caller, "admin");
      return revokeApiKey(context.db, context.environmentKeys, admin, input.name);
    },
  }),
}));
