import { randomUUID } from "node:crypto";
import type { Caller } from "../auth.js";
import type { Database } from "../db/database.js";
import { setSourceMetadata, sourceMetadata, sourcesAtUrls } from "../db/source-writes.js";
import { dateProperties } from "../domain/dates.js";
import { notFound } from "../domain/errors.js";
import { type SourcePatch, sourceEditInput } from "../domain/source-metadata.js";
import { guardedWrite, type Idempotent, inputPath, parseOrRefuse, ValidationError } from "./service.js";
import { urlTaken } from "./source-urls.js";

/**
 * Corrections of a source's metadata (the updateSource mutation): title, publisher, author, publication date,
 * language, web address and retrieval day. The text is no part of a patch: quotes are checked against it and
 * its offsets are their provenance, so it never changes after addSource.
 */

/** The graph properties a patch sets (null ones are removed): the date as relations store theirs. */
function patchProperties(patch: SourcePatch): Record<string, unknown> {
  const { published, ...rest } = patch;
  const properties: Record<string, unknown> = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined),
  );
  if (published === null) {
    Object.assign(properties, { published: null, publishedPrecision: null, publishedDate: null });
  } else if (published !== undefined) {
    Object.assign(properties, dateProperties("published", published, "first"));
  }
  return properties;
}

/**
 * Sets the metadata fields `patch` gives of source `key` (left out: kept; null: cleared), under the write
 * lock, recorded in the history with the values before; idempotent under `clientKey`. Raises BAD_USER_INPUT
 * (ValidationError) for a value the grammar refuses or an empty patch, NOT_FOUND for an unknown key, CONFLICT
 * (urlTaken) for a web address another source holds.
 */
export async function editSource(
  db: Database,
  writer: Caller,
  key: string,
  patch: Record<string, unknown>,
  clientKey?: string | null,
): Promise<Idempotent<{ changeId: string; key: string }>> {
  const input = parseOrRefuse(sourceEditInput, { key, patch }, ([first, ...rest]) =>
    inputPath(first === "patch" ? rest : [first ?? "", ...rest]),
  );
  const changed = Object.fromEntries(Object.entries(input.patch).filter(([, value]) => value !== undefined));
  if (Object.keys(changed).length === 0) {
    throw new ValidationError([
      {
        where: "input",
        message:
          "changes nothing: give at least one of title, publisher, author, published, language, url and " +
          "retrievedOn (a source's text never changes)",
      },
    ]);
  }
  return guardedWrite(db, writer, "updateSource", clientKey, { key, patch }, async (tx, log) => {
    const before = await sourceMetadata(tx, input.key);
    if (!before) throw notFound("source", input.key, { argument: "input.key" });
    if (input.patch.url) {
      const [owner] = await sourcesAtUrls(tx, [input.patch.url]);
      if (owner && owner.key !== input.key) throw urlTaken(owner.url, owner.key, "input.url");
    }
    await setSourceMetadata(tx, input.key, patchProperties(input.patch));
    const changeId = randomUUID();
    await log.record(tx, {
      id: changeId,
      targets: [input.key],
      sources: [input.key],
      details: { result: { changeId, key: input.key }, before, patch: changed },
    });
    return { changeId, key: input.key };
  });
}
