/**
 * The grant expansion columns of `v1_grants`. The writer copies a grant's
 * `GrantExpandable` annotation, when it names at least one non-blank entitlement id, into
 * `expansion` (serialized GrantExpandable) and sets `needs_expansion = 1`. Unlike the Go writer it
 * also keeps the annotation inside `data`: older readers (such as the `baton` CLI at SDK v0.7.x)
 * only look there, and newer readers replace that copy with the column's, which is identical.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Any, anyIs, anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import {
  type GrantExpandable,
  GrantExpandableSchema,
} from "../../gen/c1/connector/v2/annotation_grant_pb.js";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";

export interface ExpansionColumns {
  readonly expansion: Uint8Array | null;
  readonly needsExpansion: 0 | 1;
}

/** The expansion columns for a grant: filled only for a GrantExpandable with a usable id. */
export function expansionColumns(grant: Grant): ExpansionColumns {
  const expandable = firstExpandable(grant.annotations);
  if (expandable === undefined || !expandable.entitlementIds.some((id) => id.trim() !== "")) {
    return { expansion: null, needsExpansion: 0 };
  }
  return { expansion: toBinary(GrantExpandableSchema, expandable), needsExpansion: 1 };
}

/**
 * Re-attaches the annotation from the `expansion` column, as Go readers do: the column's copy
 * replaces the first GrantExpandable in `data` (others are dropped); a grant without the column
 * keeps its annotations as stored.
 */
export function attachExpansion(grant: Grant, expansion: Uint8Array | null): Grant {
  if (expansion === null || expansion.length === 0) return grant;
  const packed = anyPack(GrantExpandableSchema, fromBinary(GrantExpandableSchema, expansion));
  const annotations: Any[] = [];
  let placed = false;
  for (const annotation of grant.annotations) {
    if (!anyIs(annotation, GrantExpandableSchema)) {
      annotations.push(annotation);
    } else if (!placed) {
      annotations.push(packed);
      placed = true;
    }
  }
  if (!placed) annotations.push(packed);
  grant.annotations = annotations;
  return grant;
}

function firstExpandable(annotations: readonly Any[]): GrantExpandable | undefined {
  for (const annotation of annotations) {
    if (anyIs(annotation, GrantExpandableSchema)) {
      return anyUnpack(annotation, GrantExpandableSchema);
    }
  }
  return undefined;
}
