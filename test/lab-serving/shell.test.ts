import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commandLine, shellQuote } from "../../src/ldm/quote";
import { parseCommandLine, runCommandLine } from "../../src/lab-serving/shell";
import { recordingEndpoint } from "./shell-support";

function sh(line: string): { status: number | null; stdout: string } {
  const result = spawnSync("/bin/sh", ["-c", line], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout };
}

async function run(line: string, kind: "machine" | "guest" = "machine") {
  const { endpoint, calls } = recordingEndpoint(kind);
  const result = await runCommandLine(endpoint, line);
  return { ...result, calls, endpoint };
}

describe("lab shell: quoting gives the argv sh gives", () => {
  const tricky = fc.constantFrom("'", '"', "\\", "$", "?", "`", " ", "\t", "\n", ";", "&", "|", ">", "<", "*", "#", "~", "(", "[", "]", "=", "é", "日", "!", "{");
  const plain = fc.constantFrom(..."abcXYZ019-_./:@%+,");
  const argument = fc.string({ unit: fc.oneof(tricky, plain), maxLength: 12 });

  it("shellQuote'd argv reaches ldm unchanged, exactly as sh's printf sees it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(argument, { minLength: 1, maxLength: 6 }), async (argv) => {
        const { calls, exitStatus, stderr } = await run(commandLine(["ldm", ...argv]));
        const reference = sh(`printf '%s\\0' ${argv.map(shellQuote).join(" ")}`);
        const shArgv = reference.stdout.split("\0").slice(0, -1);
        expect(stderr).toBe("");
        expect(exitStatus).toBe(0);
        expect(calls).toEqual([{ tool: "ldm", argv: shArgv }]);
        expect(shArgv).toEqual(argv);
      }),
      { numRuns: 150 },
    );
  });

  /** Writes a string with a random mix of the quoting styles sh offers (no `$` but `$?`). */
  const quotedPiece = fc.oneof(
    fc.string({ unit: fc.oneof(tricky, plain), maxLength: 6 }).map((s) => ({ text: s, quoted: shellQuote(s) })),
    fc
      .string({ unit: fc.oneof(tricky, plain), maxLength: 6 })
      .map((s) => ({ text: s, quoted: `"${s.replace(/["\\$`]/g, (c) => `\\${c}`)}"` })),
    fc.string({ unit: fc.oneof(tricky, plain), minLength: 1, maxLength: 6 }).map((s) => ({
      text: s,
      quoted: [...s].map((c) => (c === "\n" ? `'\n'` : `\\${c}`)).join(""),
    })),
    fc.string({ unit: plain, minLength: 1, maxLength: 6 }).map((s) => ({ text: s, quoted: s })),
    fc.constant({ text: "1", quoted: "$?" }),
    fc.constant({ text: "1", quoted: '"$?"' }),
    fc.constant({ text: "$?", quoted: "'$?'" }),
  );

  it("mixed single, double, backslash quoting and $? expand as in sh", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(quotedPiece, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }), async (words) => {
        const quotedWords = words.map((pieces) => pieces.map((p) => p.quoted).join(""));
        const { calls } = await run(`false; ldm ${quotedWords.join(" ")}`);
        const reference = sh(`false; printf '%s\\0' ${quotedWords.join(" ")}`);
        expect(calls).toEqual([{ tool: "ldm", argv: reference.stdout.split("\0").slice(0, -1) }]);
        expect(calls[0]!.argv).toEqual(words.map((pieces) => pieces.map((p) => p.text).join("")));
      }),
      { numRuns: 150 },
    );
  });
});

describe("lab shell: sequences and exit status as in sh", () => {
  const simple = fc.oneof(
    fc.constant("true"),
    fc.constant("false"),
    fc.constantFrom("echo a", "echo b c", "echo $?", 'echo "rc=$?"', "printf '%s-%d\\n' x 7"),
    fc.integer({ min: 0, max: 300 }).map((n) => `exit ${n}`),
  );
  const script = fc
    .tuple(simple, fc.array(fc.tuple(fc.constantFrom(" ; ", " && ", " || "), simple), { maxLength: 6 }))
    .map(([first, rest]) => first + rest.map(([op, cmd]) => op + cmd).join(""));

  it("random ; && || lists of builtins give sh's stdout and status", async () => {
    await fc.assert(
      fc.asyncProperty(script, async (line) => {
        const mine = await run(line);
        const reference = sh(line);
        expect({ status: mine.exitStatus, stdout: mine.stdout }).toEqual({ status: reference.status, stdout: reference.stdout });
      }),
      { numRuns: 200 },
    );
  });

  it("batched read: every listing with its own status, delimited", async () => {
    const line =
      `echo '@@ldoms:list-io'; ldm 'list-io' '-l' '-p'; echo "@@ldoms:rc=$?"; ` +
      `echo '@@ldoms:fail'; 'ldm' 'fail'; echo "@@ldoms:rc=$?"`;
    const result = await run(line);
    expect(result.stdout).toBe("@@ldoms:list-io\nldm list-io,-l,-p\n@@ldoms:rc=0\n@@ldoms:fail\n@@ldoms:rc=3\n");
    expect(result.stderr).toBe("ldm: failed\n");
    expect(result.exitStatus).toBe(0);
  });

  it("exit stops the line", async () => {
    const result = await run("echo a; exit 4; echo b");
    expect(result).toMatchObject({ exitStatus: 4, stdout: "a\n" });
  });
});

describe("lab shell: dispatch", () => {
  it("runs ldm by every documented name, with or without pfexec", async () => {
    const result = await run(
      "ldm list; pfexec ldm list-io; /usr/sbin/ldm -V; /opt/SUNWldm/bin/ldm ls; 'pfexec' '/usr/sbin/ldm' 'list-io' '-p'",
    );
    expect(result.calls).toEqual([
      { tool: "ldm", argv: ["list"] },
      { tool: "ldm", argv: ["list-io"] },
      { tool: "ldm", argv: ["-V"] },
      { tool: "ldm", argv: ["ls"] },
      { tool: "ldm", argv: ["list-io", "-p"] },
    ]);
  });

  it("guest endpoints run dladm, ipadm and ipmpstat, not ldm", async () => {
    const result = await run("dladm show-phys; pfexec ipadm show-if; /usr/sbin/ipmpstat -g; ldm list", "guest");
    expect(result.calls.map((c) => c.tool)).toEqual(["dladm", "ipadm", "ipmpstat"]);
    expect(result.stderr).toBe("sh: ldm: not supported by the lab\n");
    expect(result.exitStatus).toBe(127);
  });

  it("machine endpoints refuse guest tools", async () => {
    const result = await run("ipadm show-if");
    expect(result).toMatchObject({ exitStatus: 127, stderr: "sh: ipadm: not supported by the lab\n", calls: [] });
  });

  it("an unknown command is refused with 127 and the line goes on, as sh does", async () => {
    const result = await run("curl http://x; echo after $?");
    expect(result.stderr).toBe("sh: curl: not supported by the lab\n");
    expect(result.stdout).toBe("after 127\n");
    expect(result.exitStatus).toBe(0);
  });

  it.each([
    ["ldm list | cat", "|"],
    ["ldm list &", "&"],
    ["cat < /etc/passwd", "<"],
    ["(ldm list)", "("],
    ["echo $(id)", "$("],
    ["echo `id`", "`"],
    ["echo $HOME", "$HOME"],
    ['echo "${PATH}"', "${PATH}"],
    ["rm -rf /var/tmp/*", "/var/tmp/*"],
    ["echo ~", "~"],
    ["ldm list # comment", "#"],
    ["echo x 3>/dev/null", "3>"],
    ["echo x >&-", ">&-"],
    ["echo [ab]", "[ab]"],
  ])("refuses %s before running anything", async (line, word) => {
    const result = await run(`ldm first; ${line}`);
    expect(result).toMatchObject({ exitStatus: 127, stdout: "", stderr: `sh: ${word}: not supported by the lab\n`, calls: [] });
  });

  it.each([["; ldm list"], ["ldm list &&"], ["ldm list ;; ldm ls"], ["echo 'open"], ["echo >"]])(
    "syntax error in %s: status 2, nothing run",
    async (line) => {
      const result = await run(line);
      expect(result.exitStatus).toBe(2);
      expect(result.stderr).toMatch(/^sh: syntax error: /);
      expect(result.calls).toEqual([]);
    },
  );

  it("parses redirections with their file descriptors", () => {
    const script = parseCommandLine("ldm list >/var/tmp/out 2>&1; echo x 2>/dev/null >> '/tmp/a b'");
    expect(script.items.map((i) => i.command.redirections)).toEqual([
      [
        { kind: "file", fd: 1, append: false, target: [{ kind: "text", text: "/var/tmp/out" }] },
        { kind: "duplicate", fd: 2, to: 1 },
      ],
      [
        { kind: "file", fd: 2, append: false, target: [{ kind: "text", text: "/dev/null" }] },
        { kind: "file", fd: 1, append: true, target: [{ kind: "text", text: "/tmp/a b" }] },
      ],
    ]);
  });
});

describe("lab shell: redirections", () => {
  it("> truncates, >> appends, cat reads back", async () => {
    const result = await run("echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f; echo three > /tmp/f; cat /tmp/f");
    expect(result.stdout).toBe("one\ntwo\nthree\n");
  });

  it("2>/dev/null silences errors, 2>&1 joins them to stdout, order matters", async () => {
    expect((await run("ldm warn 2>/dev/null")).stderr).toBe("");
    expect(await run("ldm warn 2>&1")).toMatchObject({ stdout: "ldm warn\nwarning\n", stderr: "" });
    expect(await run("ldm warn >/dev/null 2>&1")).toMatchObject({ stdout: "", stderr: "" });
    expect(await run("ldm warn 2>&1 >/dev/null")).toMatchObject({ stdout: "warning\n", stderr: "" });
    expect(await run("nope 2>/dev/null; echo $?")).toMatchObject({ stdout: "127\n", stderr: "" });
  });

  it("a redirection into a missing directory fails the command, not the line", async () => {
    const result = await run("echo x > /nowhere/f; echo $?");
    expect(result.stderr).toBe("sh: /nowhere/f: cannot create: No such file or directory\n");
    expect(result.stdout).toBe("1\n");
  });
});

describe("lab shell: builtins over the machine's filesystem", () => {
  it("mkdir is an atomic lock: the second mkdir fails with File exists", async () => {
    const { endpoint } = recordingEndpoint();
    const first = await runCommandLine(endpoint, "mkdir /var/run/ldoms.lock && echo owner > /var/run/ldoms.lock/owner");
    const second = await runCommandLine(endpoint, "mkdir /var/run/ldoms.lock");
    expect(first.exitStatus).toBe(0);
    expect(second).toEqual({ exitStatus: 1, stdout: "", stderr: "mkdir: /var/run/ldoms.lock: File exists\n" });
    expect((await runCommandLine(endpoint, "cat /var/run/ldoms.lock/owner")).stdout).toBe("owner\n");
    expect((await runCommandLine(endpoint, "rmdir /var/run/ldoms.lock")).stderr).toBe(
      "rmdir: /var/run/ldoms.lock: Directory not empty\n",
    );
    expect((await runCommandLine(endpoint, "rm -rf /var/run/ldoms.lock && test -d /var/run/ldoms.lock; echo $?")).stdout).toBe("1\n");
  });

  it("mkdir -p makes parents and tolerates an existing directory; plain mkdir needs the parent", async () => {
    const result = await run("mkdir /a/b; echo $?; mkdir -p /a/b/c && mkdir -p /a/b && test -d /a/b/c && echo ok");
    expect(result.stderr).toBe("mkdir: /a/b: No such file or directory\n");
    expect(result.stdout).toBe("1\nok\n");
  });

  it("test and [ ] tell directories, files and missing paths apart", async () => {
    const result = await run(
      "mkdir /tmp/d; echo x > /tmp/f; " +
        "test -d /tmp/d; echo $?; test -f /tmp/d; echo $?; [ -f /tmp/f ]; echo $?; [ -e /tmp/none ]; echo $?; " +
        "test -e /var/tmp/; echo $?; [ -d /tmp/d; echo $?",
    );
    expect(result.stdout).toBe("0\n1\n0\n1\n0\n2\n");
    expect(result.stderr).toBe("[: missing ]\n");
  });

  it("rm refuses directories without -r and missing files without -f", async () => {
    const result = await run("mkdir /tmp/d; rm /tmp/d; echo $?; rm /tmp/none; echo $?; rm -f /tmp/none; echo $?; rm -r /tmp/d; echo $?");
    expect(result.stdout).toBe("1\n1\n0\n0\n");
    expect(result.stderr).toBe("rm: /tmp/d: is a directory\nrm: /tmp/none: No such file or directory\n");
  });

  it("mv renames atomically, moves into an existing directory, and names a missing source", async () => {
    const result = await run(
      "mkdir /tmp/lock; echo id > /tmp/lock/info; mv /tmp/lock /tmp/released; echo $?; test -d /tmp/lock; echo $?; cat /tmp/released/info; " +
        "mkdir /tmp/into; mv /tmp/released /tmp/into; cat /tmp/into/released/info; mv /tmp/lock /tmp/x; echo $?",
    );
    expect(result.stdout).toBe("0\n1\nid\nid\n1\n");
    expect(result.stderr).toBe("mv: /tmp/lock: No such file or directory\n");
  });

  it("uname, id and printf", async () => {
    const result = await run("uname; uname -n; id -un; printf '%s=%d\\t%s\\n' a 1 b 2; printf 'x%%\\n'");
    expect(result.stdout).toBe("SunOS\nt7-a\nldmops\na=1\tb\n2=0\t\nx%\n");
    const bad = await run("uname -a; echo $?; printf '%d\\n' q; echo $?");
    expect(bad.stdout).toBe("2\n0\n1\n");
    expect(bad.stderr).toBe("uname: -a: not supported by the lab\nprintf: q: expected numeric value\n");
  });

  it("cat of a directory or a missing file fails with the path named", async () => {
    const result = await run("cat /tmp /tmp/none; echo $?");
    expect(result.stderr).toBe("cat: /tmp: Is a directory\ncat: /tmp/none: No such file or directory\n");
    expect(result.stdout).toBe("1\n");
  });
});
