// The Reporting API calls the client makes: platform (entitlement) roles and their assignments.
// Reporting data is refreshed at least every 24 h and is not paginated.
import { ENDPOINTS } from "./endpoints.js";
import {
  type PlatformRole,
  PlatformRoleTable,
  type UserRoleAssignment,
  UserRoleAssignmentTable,
} from "./models.js";
import type { RequestPipeline } from "./request.js";

/** Reporting operations over a {@link RequestPipeline}; always authenticated with OAuth. */
export class ReportingApi {
  readonly #http: RequestPipeline;

  constructor(http: RequestPipeline) {
    this.#http = http;
  }

  listPlatformRoles(signal?: AbortSignal): Promise<PlatformRole[]> {
    return this.#http.json({ endpoint: ENDPOINTS.listPlatformRoles, signal }, PlatformRoleTable);
  }

  listUserRoleAssignments(signal?: AbortSignal): Promise<UserRoleAssignment[]> {
    return this.#http.json(
      { endpoint: ENDPOINTS.listUserRoleAssignments, signal },
      UserRoleAssignmentTable,
    );
  }
}
