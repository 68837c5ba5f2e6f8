import { createInterface } from "node:readline";

/** A question asked on the terminal (stderr), answered on stdin. */
export type Ask = (question: string) => Promise<string>;

/** Asks on the terminal; undefined when stdin or stderr is not one (pipelines cannot answer). */
export function terminalAsk(): Ask | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return (question) =>
    new Promise((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      rl.question(question, (answer) => {
        rl.close();
        resolve(answer);
      });
    });
}

/** `{ ask }` for a command's io when there is a terminal, `{}` otherwise. */
export function askIfTerminal(): { ask?: Ask } {
  const ask = terminalAsk();
  return ask ? { ask } : {};
}
