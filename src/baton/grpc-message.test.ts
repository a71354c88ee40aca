import { describe, expect, it } from "vitest";
import { encodeGrpcMessage } from "./grpc-message.js";

describe("encodeGrpcMessage", () => {
  it("keeps printable ASCII, including the characters decodeURI would not restore", () => {
    const text = 'invalid ResourcesServiceListResourcesRequest.page_size: value "x" /?#&=+$,;@';
    expect(encodeGrpcMessage(text)).toBe(text);
  });

  it("escapes %, control characters and non-ASCII as UTF-8 bytes", () => {
    expect(encodeGrpcMessage("100%")).toBe("100%25");
    expect(encodeGrpcMessage("a\nb")).toBe("a%0Ab");
    expect(encodeGrpcMessage("café 🧸")).toBe("caf%C3%A9 %F0%9F%A7%B8");
    expect(decodeURI(encodeGrpcMessage("café: 100% 🧸"))).toBe("café: 100% 🧸");
  });
});
