/** Migration progress rendering: a bar redrawn in place on a TTY, thinned timestamped lines in CI. */
import { describe, expect, it } from "vitest";
import { migrationProgress, progressBar } from "../../src/cli/render/migration-progress";

function sink(isTTY: boolean) {
  let text = "";
  const stream = { write: (t: string) => void (text += t), isTTY };
  return { render: migrationProgress(stream, () => new Date("2026-01-01T00:00:00.000Z")), text: () => text };
}

describe("migration progress", () => {
  it("draws a bar of the percentage", () => {
    expect(progressBar(0)).toBe("[------------------------------]   0%");
    expect(progressBar(50)).toBe("[###############---------------]  50%");
    expect(progressBar(100)).toBe("[##############################] 100%");
  });

  it("redraws one line on a TTY and ends it before the next phase", () => {
    const s = sink(true);
    s.render({ type: "progress", percent: 10, elapsedMs: 200 });
    s.render({ type: "progress", percent: 55, elapsedMs: 1100 });
    s.render({ type: "phase", message: "post-verify" });
    expect(s.text()).toBe(
      "\r\x1b[2K  migrating [###---------------------------]  10%  0.2 s" +
        "\r\x1b[2K  migrating [#################-------------]  55%  1.1 s\npost-verify\n",
    );
  });

  it("a terminal that reports 0 columns (unknown width) gets the whole bar; a known narrow one a bar cut to fit", () => {
    let text = "";
    const render = migrationProgress({ write: (t: string) => void (text += t), isTTY: true, columns: 0 } as { write(t: string): void; isTTY: boolean });
    render({ type: "progress", percent: 10, elapsedMs: 200 });
    expect(text).toBe("\r\x1b[2K  migrating [###---------------------------]  10%  0.2 s");
    text = "";
    const narrow = migrationProgress({ write: (t: string) => void (text += t), isTTY: true, columns: 20 } as { write(t: string): void; isTTY: boolean });
    narrow({ type: "progress", percent: 10, elapsedMs: 200 });
    expect(text).toBe("\r\x1b[2K  migrating [###---");
  });

  it("prints at most one line per 10 % in CI, and always 100 %", () => {
    const s = sink(false);
    for (const percent of [3, 7, 12, 18, 25, 99, 100]) s.render({ type: "progress", percent, elapsedMs: percent * 10 });
    expect(s.text().split("\n").filter(Boolean)).toEqual([
      "2026-01-01T00:00:00.000Z migration progress 3% (0.0 s)",
      "2026-01-01T00:00:00.000Z migration progress 12% (0.1 s)",
      "2026-01-01T00:00:00.000Z migration progress 25% (0.3 s)",
      "2026-01-01T00:00:00.000Z migration progress 99% (1.0 s)",
      "2026-01-01T00:00:00.000Z migration progress 100% (1.0 s)",
    ]);
  });
});
