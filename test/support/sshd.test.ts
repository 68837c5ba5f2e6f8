import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSshd, type RunningSshd } from "./sshd";

describe("sshd harness", () => {
  let sshd: RunningSshd;
  beforeAll(async () => {
    sshd = await startSshd({ env: { LDOMS_HARNESS_MARK: "on" } });
  });
  afterAll(async () => sshd?.stop());

  it("runs a command over the system ssh client with a pinned host key and session env", () => {
    const result = sshd.ssh("echo \"$LDOMS_HARNESS_MARK\"; id -un");
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`on\n${sshd.user}\n`);
    expect(sshd.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
