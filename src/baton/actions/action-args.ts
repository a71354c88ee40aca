/**
 * Checks an InvokeAction's `args` against the action's declared argument fields before anything
 * runs, the way a Baton host fills them from the same schema: every name known, every required
 * one present, each value of its field's kind. Resource-id arguments are normalised to
 * `{resource_type_id, resource_id}` (Go's ResourceIdField shape; a bare id string is accepted for
 * the field's type). Each violation is one InvalidArgument naming `InvokeActionRequest.args.<name>`.
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { Field } from "../../gen/c1/config/v1/config_pb.js";
import type { BatonActionSchema } from "../../gen/c1/connector/v2/action_pb.js";
import { invalidArgument } from "../errors.js";

const ARGS = "InvokeActionRequest.args";

/** The arguments, checked and normalised. */
export function checkArgs(schema: BatonActionSchema, args: JsonObject): JsonObject {
  const fields = new Map(schema.arguments.map((f) => [f.name, f]));
  for (const name of Object.keys(args)) {
    if (!fields.has(name)) {
      throw invalidArgument(
        `${ARGS}.${name}`,
        `unknown argument of action "${schema.name}" (it takes: ${[...fields.keys()].join(", ") || "none"})`,
      );
    }
  }
  const out: JsonObject = {};
  for (const field of schema.arguments) {
    const value = args[field.name];
    if (value === undefined || value === null || (value === "" && field.isRequired)) {
      if (field.isRequired) throw invalidArgument(`${ARGS}.${field.name}`, "is required");
      continue;
    }
    out[field.name] = checkValue(field, value, schema.resourceTypeId);
  }
  return out;
}

/** The resource id of a checked resource-id argument. */
export function resourceIdArg(args: JsonObject, name: string): string {
  const v = args[name];
  if (v && typeof v === "object" && !Array.isArray(v) && typeof v.resource_id === "string") {
    return v.resource_id;
  }
  throw invalidArgument(`${ARGS}.${name}`, "is required");
}

function checkValue(field: Field, value: JsonValue, actionType: string): JsonValue {
  const path = `${ARGS}.${field.name}`;
  const kind = field.field.case;
  const fail = (what: string): never => {
    throw invalidArgument(path, `must be ${what}, got ${describe(value)}`);
  };
  switch (kind) {
    case "stringField":
      return typeof value === "string" ? value : fail("a string");
    case "boolField":
      return typeof value === "boolean" ? value : fail("true or false");
    case "intField":
      return typeof value === "number" && Number.isSafeInteger(value) ? value : fail("an integer");
    case "stringSliceField":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? value
        : fail("a list of strings");
    case "stringMapField":
      return value && typeof value === "object" && !Array.isArray(value)
        ? value
        : fail("an object");
    case "resourceIdField":
      return resourceId(path, value, field.field.value.resourceTypeId || actionType);
    case "resourceIdListField":
      return Array.isArray(value)
        ? value.map((v, i) => resourceId(`${path}[${i}]`, v, actionType))
        : fail("a list of resource ids");
    default:
      throw invalidArgument(path, "has no declared kind in the action's schema");
  }
}

/** `{resource_type_id, resource_id}` (or `resource_type`/`resource`, as Go reads them), or an id. */
function resourceId(path: string, value: JsonValue, typeId: string): JsonObject {
  let type = typeId;
  let id: JsonValue | undefined = value;
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const t = value.resource_type_id ?? value.resource_type;
    if (t !== undefined && typeof t !== "string") {
      throw invalidArgument(`${path}.resource_type_id`, `must be a string, got ${describe(t)}`);
    }
    if (t) type = t;
    id = value.resource_id ?? value.resource;
  }
  if (typeof id !== "string" || id.trim() === "") {
    throw invalidArgument(
      path,
      `must be a ${typeId || "resource"} id, or {"resource_type_id", "resource_id"}; got ${describe(value)}`,
    );
  }
  if (typeId && type !== typeId) {
    throw invalidArgument(`${path}.resource_type_id`, `must be "${typeId}", got "${type}"`);
  }
  return { resource_type_id: type, resource_id: id.trim() };
}

function describe(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return typeof value === "string" ? `"${value.slice(0, 64)}"` : String(value);
}
