/** The declared picture of a MigrationGroup: a mobile domain is drawn on every host of its group, labelled as such. */
import { describe, expect, it } from "vitest";
import { declaredTopology } from "../../src/graph/declared";
import { toMermaid } from "../../src/graph/mermaid";
import { groupExamplePlan } from "../mobility/support";

describe("the declared picture of a migration group", () => {
  it("labels each mobile domain on each host as running here or on another host of its group", () => {
    const text = toMermaid(declaredTopology(groupExamplePlan()));
    expect(text.match(/mobile domain ldg1 \(group pair: here or on another host\)/g)).toHaveLength(2);
    expect(text).not.toContain("guest domain ldg1");
  });
});
