import { describe, expect, it } from "vitest";
import { admissionScope, parseAdmissionScope } from "../../src/flow/store-admission.js";

describe("admission scopes", () => {
  it("parse back into kind, function and key, whatever the key holds", () => {
    for (const key of ["", "a", "a:b", "x\u0000y", "rateLimit:f\u0000g"]) {
      expect(parseAdmissionScope(admissionScope("rateLimit", "fn/one.v2", key))).toEqual({
        kind: "rateLimit",
        functionId: "fn/one.v2",
        key,
      });
    }
    expect(parseAdmissionScope(admissionScope("idempotency", "f", "o1"))).toEqual({
      kind: "idempotency",
      functionId: "f",
      key: "o1",
    });
  });

  it("other text is no admission scope", () => {
    for (const scope of ["", "singleton:f\u0000k", "rateLimit:f", "nothing\u0000here", "fn:f"]) {
      expect(parseAdmissionScope(scope)).toBeUndefined();
    }
  });
});
