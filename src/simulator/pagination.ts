// SCIM list paging: 1-based startIndex (values below 1 count as 1), count defaulting
// to 10 and clamped to 0..100, count=0 answering only the total. The ListResponse is built here
// so every list endpoint pages identically.

import { URN } from "./catalog.js";
import { ScimError } from "./http.js";

export const DEFAULT_COUNT = 10;
export const MAX_COUNT = 100;

export interface Page {
  startIndex: number;
  count: number;
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^-?\d+$/.test(raw.trim())) {
    throw new ScimError(400, `${name} must be an integer, got '${raw}'`, "invalidValue");
  }
  return Number.parseInt(raw, 10);
}

export function parsePage(query: URLSearchParams): Page {
  const start = intParam(query, "startIndex") ?? 1;
  const count = intParam(query, "count") ?? DEFAULT_COUNT;
  return { startIndex: Math.max(1, start), count: Math.min(MAX_COUNT, Math.max(0, count)) };
}

/** Slices `items` for the page and renders each entry with `render`. */
export function listResponse<T>(
  items: readonly T[],
  page: Page,
  render: (item: T) => unknown,
): Record<string, unknown> {
  const from = page.startIndex - 1;
  const slice = items.slice(from, from + page.count);
  return {
    schemas: [URN.listResponse],
    totalResults: items.length,
    itemsPerPage: slice.length,
    startIndex: page.startIndex,
    Resources: slice.map(render),
  };
}
