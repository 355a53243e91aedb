import type { ManagedTransaction } from "neo4j-driver";
import { sourcesAtUrls } from "../db/source-writes.js";
import { DomainError } from "../domain/errors.js";
import { show } from "../domain/grammar.js";

/**
 * One source per web address (docs/decisions/027-source-provenance.md): the address is normalised by the
 * grammar (src/domain/source-metadata.ts), and checked here under the graph's write lock, so that two writes
 * of the same address at once store one; the schema's uniqueness constraint on Source.url holds for every
 * other writer.
 */

/**
 * A CONFLICT: `url` (normalised) is already the address of source `owner`. `where` is the input field that
 * gave it. `details` holds `source` (the existing key) and `url`.
 */
export function urlTaken(url: string, owner: string, where: string): DomainError {
  return new DomainError(
    "CONFLICT",
    `${where}: ${show(url)} is already the address of source "${owner}": a web address names one source. ` +
      `Cite that source, or correct its metadata with updateSource(input: {key: "${owner}", …}).`,
    { source: owner, url },
  );
}

/**
 * Checks the normalised addresses of a batch's new sources (`urls[i]` of source i, null for none or for a
 * source not new): an address given twice in the batch is reported at the second (`report`); one a stored
 * source holds throws urlTaken naming that source, at the field `where` names.
 */
export async function checkSourceUrls(
  tx: Pick<ManagedTransaction, "run">,
  urls: readonly (string | null)[],
  report: (index: number, message: string) => void,
  where: (index: number) => string,
): Promise<void> {
  const first = new Map<string, number>();
  urls.forEach((url, index) => {
    if (url === null) return;
    const earlier = first.get(url);
    if (earlier === undefined) first.set(url, index);
    else report(index, `${show(url)} is also the address of source ${earlier} of this batch`);
  });
  if (first.size === 0) return;
  const [taken] = await sourcesAtUrls(tx, [...first.keys()]);
  if (taken) throw urlTaken(taken.url, taken.key, where(first.get(taken.url) ?? 0));
}
