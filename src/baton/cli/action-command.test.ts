import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { parseActionArgs, wantsAction } from "./action-command.js";

describe("one-shot action flags", () => {
  it("takes --invoke-action-args as a JSON object, empty when not given", () => {
    expect(parseActionArgs('{"user_id":"u1","title":"CTO"}')).toEqual({
      user_id: "u1",
      title: "CTO",
    });
    expect(parseActionArgs(undefined)).toEqual({});
    expect(parseActionArgs("  ")).toEqual({});
  });

  it("refuses anything else with one line naming the flag", () => {
    expect(() => parseActionArgs('{"user_id":')).toThrow(
      new UsageError(
        '--invoke-action-args: not valid JSON; pass an object such as \'{"user_id":"<user id>"}\'',
      ),
    );
    for (const text of ["[]", '"u1"', "null", "3"]) {
      expect(() => parseActionArgs(text)).toThrow("--invoke-action-args: must be a JSON object");
    }
  });

  it("recognises the Go SDK's action flags", () => {
    expect(wantsAction({ invokeAction: "enable_user" })).toBe(true);
    expect(wantsAction({ listActionSchemas: true })).toBe(true);
    expect(wantsAction({ listActionSchemas: false, invokeAction: "" })).toBe(false);
  });
});
