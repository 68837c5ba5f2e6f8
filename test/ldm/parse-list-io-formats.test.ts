import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseListIo, type ListIoDevice } from "../../src/ldm/parse-list-io";

/** Renders devices the way §3.1 (human, fixed columns) and §3.2 (-p, fixed key order) print them. */
function human(devices: readonly ListIoDevice[]): string {
  const cell = (text: string, width: number) => (text.length >= width ? `${text} ` : text.padEnd(width));
  const lines = [`${cell("NAME", 42)}${cell("TYPE", 7)}${cell("BUS", 9)}${cell("DOMAIN", 9)}STATUS   `, `${cell("----", 42)}${cell("----", 7)}${cell("---", 9)}${cell("------", 9)}------   `];
  for (const d of devices) lines.push(`${cell(d.name, 42)}${cell(d.type, 7)}${cell(d.bus, 9)}${cell(d.domain ?? "", 9)}${d.status ?? ""}`.trimEnd());
  return `${lines.join("\n")}\n`;
}

function parseable(devices: readonly ListIoDevice[]): string {
  return `VERSION 1.11\n${devices.map((d) => `|dev=${d.dev}|alias=${d.name}|status=${d.status ?? ""}|domain=${d.domain ?? ""}|type=${d.type}|bus=${d.bus}`).join("\n")}\n`;
}

const word = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_/.,@-]{${min},${max}}$`));
const device: fc.Arbitrary<ListIoDevice> = fc
  .record({
    name: fc.oneof(word(1, 40), word(41, 60)),
    type: fc.constantFrom("BUS", "NIU", "PCIE", "PF", "VF"),
    bus: fc.stringMatching(/^pci_[0-9]{1,2}$/),
    domain: fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,19}$/), { nil: undefined }), // wider than the column too
    status: fc.option(fc.constantFrom("IOV", "OCC", "EMP", "UNK", "INV"), { nil: undefined }),
    dev: word(3, 30),
  })
  .map((d) => {
    const out: { -readonly [K in keyof ListIoDevice]: ListIoDevice[K] } = { name: d.name, type: d.type, bus: d.bus, dev: d.dev, properties: {} };
    if (d.domain !== undefined) out.domain = d.domain;
    if (d.status !== undefined) out.status = d.status;
    return out;
  });

describe("parseListIo: human and -p of the same devices agree", () => {
  it("never shifts a value into another column, whatever is blank or overlong (property)", () => {
    fc.assert(
      fc.property(fc.array(device, { maxLength: 12 }), (devices) => {
        expect(parseListIo(parseable(devices))).toEqual(devices);
        const withoutDev = devices.map(({ dev: _dev, ...rest }) => rest);
        expect(parseListIo(human(devices))).toEqual(withoutDev);
      }),
      { numRuns: 300 },
    );
  });
});
