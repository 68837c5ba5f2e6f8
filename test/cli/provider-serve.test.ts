/** Where `ldoms provider serve` takes the folder of a wrapped `terraform` command from. */
import { describe, expect, it } from "vitest";
import { terraformChdir } from "../../src/cli/commands/provider-serve";

describe("terraformChdir", () => {
  it("reads -chdir= of a terraform command line before its subcommand, and nothing else", () => {
    expect(terraformChdir(["terraform", "-chdir=stacks/a", "plan"])).toBe("stacks/a");
    expect(terraformChdir(["/usr/local/bin/terraform", "-no-color", "-chdir=b", "apply"])).toBe("b");
    // After the subcommand it is not Terraform's global option.
    expect(terraformChdir(["terraform", "plan", "-chdir=x"])).toBeUndefined();
    expect(terraformChdir(["sh", "-c", "terraform -chdir=x plan"])).toBeUndefined();
    expect(terraformChdir(["terraform", "plan"])).toBeUndefined();
    expect(terraformChdir([])).toBeUndefined();
  });
});
