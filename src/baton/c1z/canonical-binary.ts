/**
 * Deterministic protobuf encoding for c1z payloads. protobuf-es writes map entries in the order
 * of the JavaScript object's keys, which is insertion order except that integer-like keys always
 * come first; the same grant built twice could then produce different bytes. This encodes maps
 * in the order the Go SDK's deterministic marshalling uses: string keys by UTF-8 bytes, integer
 * keys numerically, false before true.
 *
 * Covered: every map field at any depth of the message (e.g. `GrantSources.sources`), including
 * inside lists and oneofs; `google.protobuf.Struct` fields (trait and resource profiles), which
 * protobuf-es holds as plain JSON objects, with their nested objects; and all of these inside
 * `google.protobuf.Any` values (annotations) whose type is in the registry given, which are
 * decoded and re-encoded. An `Any` of a type outside the registry is kept byte for byte.
 *
 * One limit: protobuf-es rebuilds a JSON-held Struct into a fresh object while encoding, so in
 * those Structs integer-like keys ("7", "42") still come first, in numeric order, followed by the
 * other keys in canonical order. The bytes are still deterministic; they differ from Go's only
 * for profiles with such keys.
 *
 * Messages without maps, Structs or Anys are encoded as they are, at no extra cost. The
 * caller's message is never modified: re-ordered parts are shallow copies.
 */
import {
  type DescField,
  type DescMessage,
  fromBinary,
  type MessageShape,
  type Registry,
  ScalarType,
  toBinary,
} from "@bufbuild/protobuf";

const ANY_TYPE_NAME = "google.protobuf.Any";
const STRUCT_TYPE_NAME = "google.protobuf.Struct";
const VALUE_TYPE_NAME = "google.protobuf.Value";

/** `toBinary` with map entries in canonical order; see the module comment for what is covered. */
export function toCanonicalBinary<Desc extends DescMessage>(
  desc: Desc,
  message: MessageShape<Desc>,
  registry?: Registry,
): Uint8Array {
  return toBinary(desc, canonicalView(desc, message, registry));
}

type Plain = Record<string, unknown>;

function canonicalView<T>(desc: DescMessage, message: T, registry: Registry | undefined): T {
  if (!needsWork(desc, registry !== undefined)) return message;
  const source = message as Plain;
  // Copied only once a field changes: most messages (e.g. grants without sources or
  // annotations) are already canonical, and copying them would only feed the garbage collector.
  let copy: Plain | undefined;
  for (const field of desc.fields) {
    if (field.oneof) {
      const oneof = source[field.oneof.localName] as { case?: string; value?: unknown };
      if (oneof?.case !== field.localName) continue;
      const value = canonicalValue(field, oneof.value, registry);
      if (value === oneof.value) continue;
      copy ??= { ...source };
      copy[field.oneof.localName] = { ...oneof, value };
    } else if (source[field.localName] !== undefined) {
      const value = canonicalValue(field, source[field.localName], registry);
      if (value === source[field.localName]) continue;
      copy ??= { ...source };
      copy[field.localName] = value;
    }
  }
  return (copy ?? source) as T;
}

function canonicalValue(field: DescField, value: unknown, registry: Registry | undefined): unknown {
  switch (field.fieldKind) {
    case "map": {
      const record = value as Plain;
      const keys = Object.keys(record).sort(mapKeyComparator(field.mapKey));
      const target: Plain = {};
      for (const key of keys) {
        target[key] =
          field.mapKind === "message" ? canonicalChild(field, record[key], registry) : record[key];
      }
      // A plain object would still list integer-like keys first; the proxy makes
      // `Object.keys`, which the encoder iterates, return our order.
      return new Proxy(target, { ownKeys: () => keys });
    }
    case "message":
      return canonicalChild(field, value, registry);
    case "list":
      return field.listKind === "message"
        ? sameIfUnchanged(value as unknown[], (item) => canonicalChild(field, item, registry))
        : value;
    default:
      return value;
  }
}

/** A message-typed value of a field (singular, list item or map value). */
function canonicalChild(
  field: DescField & { message: DescMessage },
  value: unknown,
  registry: Registry | undefined,
): unknown {
  const desc = field.message;
  if (desc.typeName === ANY_TYPE_NAME) return canonicalAny(value as Plain, registry);
  // protobuf-es holds a Struct as a JSON object, except inside google.protobuf.Value.
  if (desc.typeName === STRUCT_TYPE_NAME && field.parent.typeName !== VALUE_TYPE_NAME) {
    return sortedJson(value);
  }
  return canonicalView(desc, value, registry);
}

/**
 * A JSON value with every object's keys inserted in canonical order: the value itself when it is
 * already canonical (the encoder then sees the same key order as in a copy), else a copy.
 */
function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return sameIfUnchanged(value, sortedJson);
  if (value === null || typeof value !== "object") return value;
  const source = value as Plain;
  const keys = Object.keys(source);
  const sorted = [...keys].sort(compareUtf8);
  let changed = false;
  const values = sorted.map((key, i) => {
    const v = sortedJson(source[key]);
    if (key !== keys[i] || v !== source[key]) changed = true;
    return v;
  });
  if (!changed) return value;
  const out: Plain = {};
  sorted.forEach((key, i) => {
    out[key] = values[i];
  });
  return out;
}

/** `items.map(f)`, or `items` itself when `f` changed no item. */
function sameIfUnchanged(items: unknown[], f: (item: unknown) => unknown): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const v = f(items[i]);
    if (v !== items[i]) {
      out ??= items.slice(0, i);
    }
    out?.push(v);
  }
  return out ?? items;
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function canonicalAny(any: Plain, registry: Registry | undefined): Plain {
  if (registry === undefined) return any;
  const typeUrl = String(any.typeUrl ?? "");
  const desc = registry.getMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
  if (desc === undefined || !needsWork(desc, true)) return any;
  const inner = fromBinary(desc, any.value as Uint8Array);
  return { ...any, value: toBinary(desc, canonicalView(desc, inner, registry)) };
}

/** The Go order of map keys, which are always strings on a protobuf-es object. */
function mapKeyComparator(keyType: ScalarType): (a: string, b: string) => number {
  switch (keyType) {
    case ScalarType.STRING:
      return compareUtf8;
    case ScalarType.BOOL:
      return (a, b) => Number(a === "true") - Number(b === "true");
    default:
      return (a, b) => {
        const x = BigInt(a);
        const y = BigInt(b);
        return x < y ? -1 : x > y ? 1 : 0;
      };
  }
}

// Per descriptor object, so the check on every message of every row costs one lookup.
const workCache = {
  any: new WeakMap<DescMessage, boolean>(),
  plain: new WeakMap<DescMessage, boolean>(),
};

/** Whether a message type can contain a map (or, when Anys are followed, an Any) at any depth. */
function needsWork(desc: DescMessage, followAny: boolean): boolean {
  const cache = followAny ? workCache.any : workCache.plain;
  let result = cache.get(desc);
  if (result === undefined) {
    result = reaches(desc, followAny, new Set());
    cache.set(desc, result);
  }
  return result;
}

function reaches(desc: DescMessage, followAny: boolean, seen: Set<string>): boolean {
  if (desc.typeName === ANY_TYPE_NAME) return followAny;
  if (seen.has(desc.typeName)) return false;
  seen.add(desc.typeName);
  for (const field of desc.fields) {
    if (field.fieldKind === "map") return true;
    const child =
      field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message")
        ? field.message
        : undefined;
    if (child && reaches(child, followAny, seen)) return true;
  }
  return false;
}
