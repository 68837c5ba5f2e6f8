import { describe, expect, it } from "vitest";
import { readFailure, toConnectionError } from "../../src/engine/connection-errors";
import { TransportError } from "../../src/transport";
import type { HostTarget } from "../../src/engine";

const target: HostTarget = { id: "t7-a", connection: { address: "t7-a.example.net", port: 22, user: "ldmops", pfexec: false, ldmPath: "ldm" } };

describe("read failures", () => {
  it("ldm missing (exit status 127)", () => {
    expect(readFailure(target, "list-io -l -p", 127, "", "bash: ldm: command not found\n").message).toBe(
      "`ldm` was not found on t7-a (ldmops@t7-a.example.net:22) (exit status 127). Is this a control domain? Set ldmPath (e.g. /usr/sbin/ldm) in the ControlDomain or the inventory if ldm is not on the PATH of non-interactive SSH sessions.",
    );
  });
  it("a refusal wrapped across lines (plain error style) is still recognised as permission denied", () => {
    const wrapped = "list-io: the account has insufficient\nprivileges for this operation\n";
    expect(readFailure(target, "list-io -l -p", 1, "", wrapped).message).toMatch(/^`ldm list-io -l -p` was refused on t7-a \(ldmops@t7-a\.example\.net:22\): permission denied \(list-io: the account has insufficient\)\. Give ldmops the "LDoms Review" rights profile/);
  });

  it("permission denied: names the rights profiles and pfexec", () => {
    expect(readFailure(target, "list-io -l -p", 1, "", "Authorization failed\n").message).toBe(
      '`ldm list-io -l -p` was refused on t7-a (ldmops@t7-a.example.net:22): permission denied (Authorization failed). Give ldmops the "LDoms Review" rights profile for plan, "LDoms Management" for apply (usermod -P "LDoms Management" ldmops), and set pfexec: true so ldm runs through pfexec.',
    );
  });
  it("another ldm failure keeps its first line", () => {
    expect(readFailure(target, "list -l -p", 1, "", "Failed to connect to logical domain manager: Connection refused\n").message).toBe(
      "`ldm list -l -p` failed on t7-a (ldmops@t7-a.example.net:22) with exit status 1: Failed to connect to logical domain manager: Connection refused",
    );
  });
});

describe("transport errors", () => {
  it("keep their message, prefixed with the host id", () => {
    const error = toConnectionError(target, new TransportError("auth", "Permission denied (publickey) for ldmops@t7-a.example.net:22: check keys.", "ldmops@t7-a.example.net:22"));
    expect(error.message).toBe("t7-a: Permission denied (publickey) for ldmops@t7-a.example.net:22: check keys.");
    expect(error.host).toBe("t7-a");
  });
});
