/**
 * Annotations are `google.protobuf.Any` lists on almost every Baton message. These helpers follow
 * the Go SDK's semantics: pick returns the first entry of a type, update replaces the entry of a
 * type in place (or appends it), append always adds, and entries of types we do not know are
 * never touched, so they survive every round trip byte for byte.
 */
import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { type Any, anyIs, anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";

/** Packs a message into an Any with the standard `type.googleapis.com/` prefix. */
export function pack<Desc extends DescMessage>(desc: Desc, value: MessageInitShape<Desc>): Any {
  return anyPack(desc, create(desc, value));
}

/** The first annotation of the given type, decoded, or undefined. */
export function pick<Desc extends DescMessage>(
  annotations: readonly Any[],
  desc: Desc,
): MessageShape<Desc> | undefined {
  for (const a of annotations) {
    if (anyIs(a, desc)) return anyUnpack(a, desc);
  }
  return undefined;
}

/** Whether an annotation of the given type is present. */
export function has(annotations: readonly Any[], desc: DescMessage): boolean {
  return annotations.some((a) => anyIs(a, desc));
}

/** How many annotations of the given type are present. */
export function count(annotations: readonly Any[], desc: DescMessage): number {
  return annotations.filter((a) => anyIs(a, desc)).length;
}

/** Replaces the first annotation of the type in place, or appends it when absent. */
export function update<Desc extends DescMessage>(
  annotations: Any[],
  desc: Desc,
  value: MessageInitShape<Desc>,
): Any[] {
  const packed = pack(desc, value);
  const i = annotations.findIndex((a) => anyIs(a, desc));
  if (i >= 0) annotations[i] = packed;
  else annotations.push(packed);
  return annotations;
}

/** Appends an annotation even when one of the same type exists (e.g. ChildResourceType). */
export function append<Desc extends DescMessage>(
  annotations: Any[],
  desc: Desc,
  value: MessageInitShape<Desc>,
): Any[] {
  annotations.push(pack(desc, value));
  return annotations;
}

/** All annotations of a type, decoded. */
export function pickAll<Desc extends DescMessage>(
  annotations: readonly Any[],
  desc: Desc,
): MessageShape<Desc>[] {
  const out: MessageShape<Desc>[] = [];
  for (const a of annotations) {
    if (anyIs(a, desc)) {
      const m = anyUnpack(a, desc);
      if (m) out.push(m);
    }
  }
  return out;
}

/** A copy without annotations of the given type; every other entry is kept untouched. */
export function without(annotations: readonly Any[], desc: DescMessage): Any[] {
  return annotations.filter((a) => !anyIs(a, desc));
}
