import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";

/**
 * Looking ahead into the client's selection, so that a resolver can fetch in its own query what a nested field
 * will ask for next (one round trip instead of two). Fragments are followed; @skip and @include are not
 * evaluated, so a field they leave out may still be fetched: harmless, only less saving.
 */

/** The field nodes named `name` directly below `selectionSet`, through fragments. */
function childFields(
  selectionSet: SelectionSetNode | undefined,
  name: string,
  info: GraphQLResolveInfo,
): FieldNode[] {
  const found: FieldNode[] = [];
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === name) found.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      found.push(...childFields(selection.selectionSet, name, info));
    } else {
      found.push(...childFields(info.fragments[selection.name.value]?.selectionSet, name, info));
    }
  }
  return found;
}

/**
 * The field nodes reached by following `path` (field names) down the selection, from the resolving field or
 * from the given nodes.
 */
export function selectedFields(
  info: GraphQLResolveInfo,
  path: readonly string[],
  from: readonly FieldNode[] = info.fieldNodes,
): FieldNode[] {
  let nodes = from;
  for (const name of path) nodes = nodes.flatMap((node) => childFields(node.selectionSet, name, info));
  return [...nodes];
}

/** Whether the client selected `path` below the resolving field (or the given nodes), e.g. ["citations"]. */
export const selects = (
  info: GraphQLResolveInfo,
  path: readonly string[],
  from: readonly FieldNode[] = info.fieldNodes,
) => selectedFields(info, path, from).length > 0;
