/**
 * The syncer's checkpoint, saved in the sync run's `sync_token` in the same transaction as the
 * rows of each page, so a killed sync resumes exactly after the last stored page. Each pending
 * action keeps the page token of its next page; the entitlement and grant phases also keep a
 * cursor over the stored resources, so the checkpoint stays small even for 100,000 resources.
 */
import { z } from "zod";

/** The phases of a full sync, in the order they run. */
export const PHASES = [
  "resource-types",
  "resources",
  "static-entitlements",
  "entitlements",
  "grants",
  "done",
] as const;
export type Phase = (typeof PHASES)[number];

const resourceAction = z.object({
  type: z.string(),
  parentType: z.string().optional(),
  parentId: z.string().optional(),
  token: z.string(),
});
/** A ListResources action: one type, optionally under one parent, at a page token. */
export type ResourceAction = z.infer<typeof resourceAction>;

const staticAction = z.object({ type: z.string(), token: z.string() });
/** A ListStaticEntitlements action for one type. */
export type StaticAction = z.infer<typeof staticAction>;

const perResourceAction = z.object({ rowId: z.number().int(), token: z.string() });
/** A ListEntitlements or ListGrants action for one stored resource (by row id). */
export type PerResourceAction = z.infer<typeof perResourceAction>;

const checkpointSchema = z.object({
  version: z.literal(1),
  phase: z.enum(PHASES),
  resources: z.array(resourceAction).default([]),
  statics: z.array(staticAction).default([]),
  cursor: z.number().int().default(0),
  perResource: z.array(perResourceAction).default([]),
  warnings: z.number().int().default(0),
  completed: z.number().int().default(0),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** A fresh checkpoint at the start of a sync. */
export function initialCheckpoint(): Checkpoint {
  return {
    version: 1,
    phase: "resource-types",
    resources: [],
    statics: [],
    cursor: 0,
    perResource: [],
    warnings: 0,
    completed: 0,
  };
}

/** Serialises a checkpoint for `sync_token`. */
export function encodeCheckpoint(c: Checkpoint): string {
  return JSON.stringify(c);
}

/**
 * Reads a saved checkpoint. An empty or foreign token (e.g. written by another syncer) starts the
 * sync over from the first phase rather than guessing.
 */
export function decodeCheckpoint(token: string): Checkpoint {
  if (!token) return initialCheckpoint();
  try {
    const parsed = checkpointSchema.safeParse(JSON.parse(token));
    return parsed.success ? parsed.data : initialCheckpoint();
  } catch {
    return initialCheckpoint();
  }
}
