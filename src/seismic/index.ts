// Public surface of the Seismic API client. Knows nothing about Baton.

export { createSeismicClient, SeismicClient, type SeismicClientOptions } from "./client.js";
export { type Clock, systemClock } from "./clock.js";
export {
  DEFAULT_SCOPES,
  type RateLimitConfig,
  type ResolvedSeismicConfig,
  resolveConfig,
  type SeismicConfig,
  type TimeoutConfig,
} from "./config.js";
export { type DryRunHooks, type DryRunRead, DryRunStop, type DryRunWrite } from "./dry-run.js";
export {
  type ApiFamily,
  ENDPOINTS,
  type Endpoint,
  endpointLabel,
  type HttpMethod,
  SCOPES,
} from "./endpoints.js";
export {
  type RateLimitInfo,
  type SeismicCredential,
  SeismicError,
  type SeismicErrorCode,
} from "./errors.js";
export {
  ListingCheck,
  ListingFault,
  listingError,
  type PageFacts,
  pageFacts,
  pagesAfterFirst,
} from "./listing-integrity.js";
export { type SeismicLogger, silentLogger } from "./logger.js";
export * from "./models.js";
export type {
  ApiAttemptEvent,
  ApiRetryEvent,
  SeismicObserver,
  TokenRequestEvent,
} from "./observer.js";
export {
  DEFAULT_PAGE_SIZE,
  nextStartIndex,
  type PageRequest,
  paginate,
  type RereadListener,
} from "./pagination.js";
export type { Origin, ProbeResult } from "./probe.js";
export type { ReportingTableNames } from "./reporting.js";
export type { ResponseFactsSnapshot } from "./response-facts.js";
export { type BackoffPolicy, DEFAULT_BACKOFF } from "./retry.js";
export {
  type ListOptions,
  type PageOptions,
  type ScimGroupInput,
  type ScimReplaceOperation,
  type ScimUserInput,
  scimString,
} from "./scim.js";
export type { SeismicStats } from "./stats.js";
export * from "./variants/index.js";
