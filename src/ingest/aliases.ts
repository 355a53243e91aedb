import { limits, show, writtenForm } from "../domain/grammar.js";
import type { ActorPatch } from "../domain/model.js";
import type { Path } from "../domain/validate.js";

/**
 * An actor's aliases after a patch: the full list it gives (`aliases`), or those the actor has with
 * `removeAliases` taken away and `addAliases` added at the end, so that an analyst adds one alias without sending
 * the others again. Aliases are matched as written (NFC, white space collapsed: src/domain/grammar.ts writtenForm).
 * Returns undefined when the patch leaves the aliases alone. Problems go to `report`, at the input path: both
 * ways at once, removing an alias the actor does not have (naming it), adding one it has, or more than
 * `limits.aliases` in the end. Another actor's names are checked by the caller (checkNames), as for any alias.
 */
export function aliasesAfter(
  current: readonly string[],
  patch: Pick<ActorPatch, "aliases" | "addAliases" | "removeAliases">,
  report: (at: Path, message: string) => void,
): string[] | undefined {
  const { aliases, addAliases = [], removeAliases = [] } = patch;
  if (aliases !== undefined) {
    if (patch.addAliases !== undefined || patch.removeAliases !== undefined) {
      report(["aliases"], "give either the full list of aliases or addAliases/removeAliases, not both");
    }
    return aliases;
  }
  if (patch.addAliases === undefined && patch.removeAliases === undefined) return undefined;
  const removed = new Set<string>();
  removeAliases.forEach((alias, index) => {
    const form = writtenForm(alias);
    if (!current.some((existing) => writtenForm(existing) === form)) {
      report(["removeAliases", index], `${show(alias)} is not an alias of this actor`);
    }
    removed.add(form);
  });
  const kept = current.filter((alias) => !removed.has(writtenForm(alias)));
  addAliases.forEach((alias, index) => {
    const form = writtenForm(alias);
    if (kept.some((existing) => writtenForm(existing) === form)) {
      report(["addAliases", index], `${show(alias)} is already an alias of this actor`);
    }
  });
  const after = [...kept, ...addAliases];
  if (after.length > limits.aliases) {
    report(["addAliases"], `the actor would have ${after.length} aliases, more than ${limits.aliases}`);
  }
  return after;
}
