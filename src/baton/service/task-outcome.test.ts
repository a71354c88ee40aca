import { create } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { GrantAlreadyExistsSchema } from "../../gen/c1/connector/v2/annotation_grant_pb.js";
import { GrantManagerServiceGrantResponseSchema } from "../../gen/c1/connector/v2/grant_pb.js";
import { ErrorInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { pack } from "../annotations.js";
import { grantCancelled, UsageError } from "../errors.js";
import { SyncCallError } from "../sync/call-with-retry.js";
import { IngestError } from "../sync/ingest-rules.js";
import { failed, finishFields, succeeded, taskError } from "./task-outcome.js";

describe("FinishTask encoding", () => {
  it("success carries Any(<response>) and the response's annotations; a sync carries nothing", () => {
    const annotation = pack(GrantAlreadyExistsSchema, {});
    const response = create(GrantManagerServiceGrantResponseSchema, { annotations: [annotation] });
    const f = finishFields(succeeded(GrantManagerServiceGrantResponseSchema, response) as never);
    expect(f.status).toBeUndefined();
    expect(f.finalState?.case).toBe("success");
    const value = f.finalState?.value as { response: { typeUrl: string }; annotations: unknown[] };
    expect(value.response.typeUrl).toBe(
      "type.googleapis.com/c1.connector.v2.GrantManagerServiceGrantResponse",
    );
    expect(value.annotations).toEqual([annotation]);
    expect(finishFields({ kind: "success" })).toEqual({
      finalState: { case: "success", value: { annotations: [] } },
    });
  });

  it("failure carries code, message and details as Any, and the task's verdict", () => {
    const f = finishFields(failed(grantCancelled("licences are read-only"), true) as never);
    expect(f.status?.code).toBe(Code.FailedPrecondition);
    expect(f.status?.message).toBe("licences are read-only");
    const info = anyUnpack(f.status?.details?.[0] as never, ErrorInfoSchema);
    expect(info?.reason).toBe("grant_cancelled");
    expect(info?.metadata.reason).toBe("licences are read-only");
    expect(f.finalState).toEqual({ case: "error", value: { nonRetryable: true, annotations: [] } });
  });

  it("maps what handlers throw to the codes Go reports", () => {
    const abort = new DOMException("stopped", "AbortError");
    const timeout = new DOMException("too slow", "TimeoutError");
    const call = new SyncCallError(
      "ListGrants",
      "group:g1",
      new ConnectError("no", Code.PermissionDenied),
    );
    expect(taskError(abort).code).toBe(Code.Canceled);
    expect(taskError(timeout).code).toBe(Code.DeadlineExceeded);
    expect(taskError(new UsageError("bad type")).code).toBe(Code.InvalidArgument);
    expect(taskError(new IngestError("no trait")).code).toBe(Code.Internal);
    expect(taskError(new Error("boom")).code).toBe(Code.Unknown);
    expect(taskError(call).code).toBe(Code.PermissionDenied);
    expect(taskError(call).rawMessage).toBe("ListGrants for group:g1 failed: PermissionDenied: no");
  });
});
