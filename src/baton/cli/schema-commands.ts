/**
 * `capabilities` and `config`: the two documents the Baton CLI prints as proto-JSON, the first
 * committed as `baton_capabilities.json`, the second consumed by platforms to draw configuration
 * forms. Both are derived from code, never written by hand.
 */
import { create, type MessageInitShape, toJsonString } from "@bufbuild/protobuf";
import { AnySchema, anyPack } from "@bufbuild/protobuf/wkt";
import {
  type Field as ConfigField,
  FieldSchema as ConfigFieldSchema,
  ConfigurationSchema,
} from "../../gen/c1/config/v1/config_pb.js";
import { ConnectorCapabilitiesSchema } from "../../gen/c1/connector/v2/connector_pb.js";
import { c1zTypeRegistry } from "../c1z/type-registry.js";
import { computeCapabilities } from "../capabilities.js";
import type { ConnectorDefinition } from "./definition.js";
import type { Field } from "./fields.js";
import { allFields } from "./run-context.js";

function pretty(json: string): string {
  return `${JSON.stringify(JSON.parse(json), null, 2)}\n`;
}

/** Proto-JSON of an Any wrapping the connector's ConnectorCapabilities, indented 2 spaces. */
export function capabilitiesDocument(def: ConnectorDefinition): string {
  const caps = computeCapabilities(def.createForCapabilities().syncers);
  const any = anyPack(ConnectorCapabilitiesSchema, caps);
  // "@type" first, as Go's protojson writes it, so the committed file reads like the Go SDK's.
  const { "@type": type, ...rest } = JSON.parse(
    toJsonString(AnySchema, any, { registry: c1zTypeRegistry }),
  ) as Record<string, unknown>;
  return `${JSON.stringify({ "@type": type, ...rest }, null, 2)}\n`;
}

function fieldValue(f: Field): MessageInitShape<typeof ConfigFieldSchema>["field"] {
  switch (f.kind) {
    case "boolean":
      return { case: "boolField", value: { defaultValue: Boolean(f.default ?? false) } };
    case "integer":
      return { case: "intField", value: { defaultValue: BigInt(Number(f.default ?? 0)) } };
    case "string-list":
      return {
        case: "stringSliceField",
        value: { defaultValue: [...((f.default as readonly string[] | undefined) ?? [])] },
      };
    case "string":
      return { case: "stringField", value: { defaultValue: String(f.default ?? "") } };
  }
}

function configField(f: Field): ConfigField {
  return create(ConfigFieldSchema, {
    name: f.name,
    displayName: f.displayName ?? f.name,
    description: f.description,
    placeholder: f.placeholder ?? "",
    isRequired: f.required ?? false,
    isSecret: f.secret ?? false,
    isOps: !f.required && f.group !== "Connector",
    field: fieldValue(f),
  });
}

/** Proto-JSON of the `c1.config.v1.Configuration`: the connector's fields plus exported ops fields. */
export function configDocument(def: ConnectorDefinition): string {
  const fields = allFields(def).filter((f) => !f.hidden && (f.exported || def.fields.includes(f)));
  const doc = create(ConfigurationSchema, {
    displayName: def.name,
    helpUrl: def.helpUrl ?? "",
    fields: fields.map(configField),
  });
  return pretty(toJsonString(ConfigurationSchema, doc));
}
