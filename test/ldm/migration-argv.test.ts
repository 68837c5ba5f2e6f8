import { describe, expect, it } from "vitest";
import type { MigrationPlan } from "../../src/model";
import { ldmCommandLine } from "../../src/ldm/quote";
import { cancelMigrationArgv, migrateDomainArgv, migrationStatusArgv, migrationTargetOperand, parseMigrationProgress, type MigrateDomainInput } from "../../src/ldm/migration-argv";

const certificate: MigrateDomainInput = { domain: "ldg1", targetAddress: "t7-b.example", auth: { kind: "certificate" } };
const password: MigrateDomainInput = { domain: "ldg1", targetAddress: "10.0.0.2", targetUser: "admin", auth: { kind: "password-file", path: "/root/.ldm-pw" } };

describe("migration argv", () => {
  it("migrate-domain with certificates: -c, the domain, the target address", () => {
    expect(migrateDomainArgv(certificate, false)).toEqual(["migrate-domain", "-c", "ldg1", "t7-b.example"]);
    expect(migrateDomainArgv(certificate, true)).toEqual(["migrate-domain", "-n", "-c", "ldg1", "t7-b.example"]);
  });

  it("migrate-domain with a password file: -p PATH and user@address, never a password", () => {
    expect(migrateDomainArgv(password, false)).toEqual(["migrate-domain", "-p", "/root/.ldm-pw", "ldg1", "admin@10.0.0.2"]);
    expect(migrateDomainArgv(password, true)).toEqual(["migrate-domain", "-n", "-p", "/root/.ldm-pw", "ldg1", "admin@10.0.0.2"]);
  });

  it("the target operand names the user only when there is one", () => {
    expect(migrationTargetOperand(certificate)).toBe("t7-b.example");
    expect(migrationTargetOperand(password)).toBe("admin@10.0.0.2");
  });

  it("takes a whole MigrationPlan as well", () => {
    const plan: MigrationPlan = { ...certificate, id: "move", sourceHost: "a", targetHost: "b", migrate: false, targetVfs: [], requiredVswitches: [], blockingVfs: [] };
    expect(migrateDomainArgv(plan, false)).toEqual(["migrate-domain", "-c", "ldg1", "t7-b.example"]);
  });

  it("the status poll and the cancel", () => {
    expect(migrationStatusArgv("ldg1")).toEqual(["list", "-o", "status", "-p", "ldg1"]);
    expect(cancelMigrationArgv("ldg1")).toEqual(["cancel-operation", "migration", "ldg1"]);
  });

  it("command lines as the engine sends them (quoted, with pfexec)", () => {
    const c = { ldmPath: "/usr/sbin/ldm", pfexec: true };
    expect(ldmCommandLine(migrateDomainArgv(password, false), c)).toBe("'pfexec' '/usr/sbin/ldm' 'migrate-domain' '-p' '/root/.ldm-pw' 'ldg1' 'admin@10.0.0.2'");
    expect(ldmCommandLine(migrationStatusArgv("ldg1"), { ldmPath: "ldm", pfexec: false })).toBe("'ldm' 'list' '-o' 'status' '-p' 'ldg1'");
  });
});

describe("parseMigrationProgress", () => {
  it("reads the percentage of the STATUS record", () => {
    expect(parseMigrationProgress("VERSION 1.6\nDOMAIN|name=ldg1\nSTATUS|op=migration|progress=42|error=no|target=t7-b\n")).toBe(42);
    expect(parseMigrationProgress("STATUS|op=migration|progress=0|error=no|source=t7-a")).toBe(0);
    expect(parseMigrationProgress("STATUS|op=migration|progress=100|error=no|target=t7-b")).toBe(100);
  });

  it("is undefined when no migration is running", () => {
    expect(parseMigrationProgress("VERSION 1.6\nDOMAIN|name=ldg1|state=active\n")).toBeUndefined();
    expect(parseMigrationProgress("")).toBeUndefined();
    expect(parseMigrationProgress("STATUS|op=migration|progress=|error=no")).toBeUndefined();
  });
});
