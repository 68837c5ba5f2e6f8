import { describe, expect, it } from "vitest";
import { ChannelLimiter } from "../../src/transport/channel-limiter";
import { OutcomeUnknownError } from "../../src/transport/executor";
import { LocalExecutor } from "../../src/transport/local-executor";
import { OutputLimitError } from "../../src/transport/output-limit";
import { commandLine } from "../../src/ldm/quote";

describe("LocalExecutor", () => {
  it("runs sh -c with exit status, separate streams and stdin", async () => {
    const local = new LocalExecutor();
    expect(await local.exec("printf out; printf err >&2; exit 7")).toEqual({ exitStatus: 7, stdout: "out", stderr: "err" });
    expect((await local.exec("cat", { stdin: "piped" })).stdout).toBe("piped");
    expect((await local.exec(commandLine(["printf", "%s", "it's $(not) run"]))).stdout).toBe("it's $(not) run");
    expect(local.stats.execs).toBe(3);
    expect(local.label).toBe("local");
  });

  it("rejects a command that outlives its timeout as outcome unknown, and kills it", async () => {
    const local = new LocalExecutor({ commandTimeoutMs: 200 });
    const started = Date.now();
    const error = await local.exec("sleep 5; echo late").then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as OutcomeUnknownError).reason).toBe("timeout");
    expect((error as Error).message).toContain("no exit status after 200 ms (command timeout)");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("stops a command printing more than the limit per stream (default 16 MiB) and says so", async () => {
    const local = new LocalExecutor({ label: "t7-a" });
    const big = "head -c 17000000 /dev/zero";
    const error = (await local.exec(big).then(() => undefined, (e: unknown) => e)) as OutputLimitError;
    expect(error).toBeInstanceOf(OutputLimitError);
    expect(error.message).toBe(`t7-a: the command printed more than 16 MiB on stdout (the output limit per stream) and was stopped; it may or may not have completed. Command: ${big}`);
    const small = new LocalExecutor({ maxOutputBytes: 4 });
    expect((await small.exec("printf 1234; printf 5678 >&2")).stdout).toBe("1234");
    const over = (await small.exec("printf 1; printf 12345 >&2").then(() => undefined, (e: unknown) => e)) as OutputLimitError;
    expect([over.stream, over.limitBytes, over.message.startsWith("local: the command printed more than 4 bytes on stderr")]).toEqual(["stderr", 4, true]);
    expect((await small.exec("printf 123456", { maxOutputBytes: 10 })).stdout).toBe("123456");
  });

  it("rejects a command killed by a signal as outcome unknown", async () => {
    const error = await new LocalExecutor().exec("kill -9 $$").then(() => undefined, (e: unknown) => e);
    expect((error as OutcomeUnknownError).reason).toBe("signal");
  });
});

describe("ChannelLimiter", () => {
  it("never lets more than the limit through and serves waiters in order", async () => {
    const limiter = new ChannelLimiter(2);
    const order: number[] = [];
    let running = 0;
    let maxRunning = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        await limiter.acquire();
        running++;
        maxRunning = Math.max(maxRunning, running);
        order.push(i);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        limiter.release();
      }),
    );
    expect(maxRunning).toBe(2);
    expect(limiter.peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([limiter.inUse, limiter.queued]).toEqual([0, 0]);
  });
});
