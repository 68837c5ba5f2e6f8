import type { MethodDefinition, sendUnaryData, ServerUnaryCall } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { PlanError } from "../../src/model";
import { sshConnect } from "../../src/provider/connect";
import { protocolServices } from "../../src/provider/protocol";
import { LdomsProvider } from "../../src/provider/provider-rpcs";
import { providerImplementation, unary } from "../../src/provider/provider-service";

const provider = protocolServices().provider as unknown as Record<string, MethodDefinition<unknown, unknown>>;

function callUnary(handler: ReturnType<typeof unary>, request: object = {}): Promise<[unknown, unknown]> {
  return new Promise((resolve) => {
    const callback: sendUnaryData<unknown> = (error, response) => resolve([error, response]);
    handler({ request } as ServerUnaryCall<unknown, unknown>, callback);
  });
}

describe("tfplugin6.Provider handlers", () => {
  it("has a handler for every RPC of the protocol file", () => {
    const handlers = providerImplementation(protocolServices().provider, new LdomsProvider(sshConnect()));
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(provider).sort());
    expect(Object.keys(handlers)).toContain("ApplyResourceChange");
  });

  it("a thrown LdomsError answers its message as an error diagnostic; anything else is an internal error with its stack", async () => {
    const method = provider["ReadDataSource"]!;
    const [error, response] = await callUnary(unary(method, () => { throw new PlanError("t7-a: could not read the output of `ldm list-io -p`"); }));
    expect(error).toBeNull();
    expect(response).toEqual({ diagnostics: [{ severity: "ERROR", summary: "t7-a: could not read the output of `ldm list-io -p`", detail: "" }] });
    const [, bug] = await callUnary(unary(method, () => Promise.reject(new TypeError("x is undefined"))));
    expect(bug).toMatchObject({ diagnostics: [{ severity: "ERROR", summary: "Internal error of the ldoms provider (please report)", detail: expect.stringMatching(/^TypeError: x is undefined\n\s+at /) }] });
  });

  it("an answer without diagnostics (StopProvider) fails with a gRPC INTERNAL status instead", async () => {
    const [error] = await callUnary(unary(provider["StopProvider"]!, () => { throw new Error("boom"); }));
    expect(error).toMatchObject({ code: 13, details: expect.stringMatching(/^Error: boom/) });
  });
});
