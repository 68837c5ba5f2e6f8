/**
 * Entry of `terraform-provider-ldoms`. Ctrl-C in Terraform's terminal reaches the provider's
 * process too; Terraform itself stops the provider (StopProvider, then Shutdown), so the
 * signal is ignored, as go-plugin servers do.
 */
import { serveProvider } from "./serve";

export async function main(): Promise<number> {
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  try {
    return await serveProvider();
  } catch (error) {
    process.stderr.write(`terraform-provider-ldoms: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return 1;
  } finally {
    process.off("SIGINT", ignore);
  }
}
