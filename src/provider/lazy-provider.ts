/**
 * The provider as served to Terraform: the schema and validation RPCs are answered at once
 * (light-rpcs.ts), and the engine-backed LdomsProvider is loaded on the first RPC that needs
 * the hosts. Terraform starts a provider three times for one plan and only the last one
 * configures it: the other two start without the engine, SSH and the schema validator.
 *
 * Each ConfigureProvider after the first starts a new session (a new LdomsProvider: its own
 * reads, queues and stop state): a provider served to several Terraform commands (`ldoms
 * provider serve`) reads the hosts again for each, as a provider started per command does.
 */
import type { ConnectHost } from "../engine";
import { errorDiagnostic } from "./diagnostics";
import * as light from "./light-rpcs";
import type { LdomsProvider } from "./provider-rpcs";
import type { ProviderRpcs } from "./provider-service";

type Request<K extends keyof LdomsProvider> = Parameters<LdomsProvider[K]>[0];

const ANOTHER_TERRAFORM = errorDiagnostic(
  "the served ldoms provider is busy with another Terraform command (its reads or changes are still running)\n" +
    "ldoms provider serve answers one Terraform command at a time: run this command after the other one ends, or give it a provider of its own (run it without TF_REATTACH_PROVIDERS, or under its own ldoms provider serve)",
);

export class LazyProvider implements ProviderRpcs {
  private factory: Promise<() => LdomsProvider> | undefined;
  private session: Promise<LdomsProvider> | undefined;
  private configured = false;
  /** RPCs of the current session still running (reads, plans, applies). */
  private inFlight = 0;

  /** `connect` undefined: SSH as the inventory says (connect.ts), loaded with the engine. */
  constructor(
    private readonly connect: ConnectHost | undefined,
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private sessions(): Promise<() => LdomsProvider> {
    this.factory ??= Promise.all([import("./provider-rpcs"), import("./connect")]).then(
      ([{ LdomsProvider: Provider }, { sshConnect }]) =>
        () => new Provider(this.connect ?? sshConnect(), this.cwd, this.env),
    );
    return this.factory;
  }

  private newSession(): Promise<LdomsProvider> {
    return this.sessions().then((create) => create());
  }

  /**
   * Loads the engine and compiles the configuration's schema checks before the first
   * ConfigureProvider needs them: for a served provider, idle while Terraform starts.
   */
  async warm(): Promise<void> {
    try {
      await this.sessions();
      (await import("./configuration")).prepareConfigurationChecks();
    } catch {
      // ConfigureProvider loads and compiles the same, and reports what fails there.
    }
  }

  private provider(): Promise<LdomsProvider> {
    this.session ??= this.newSession();
    return this.session;
  }

  /** An RPC of the current session, counted while it runs. */
  private async inSession<T>(rpc: (provider: LdomsProvider) => T | Promise<T>): Promise<T> {
    const provider = await this.provider();
    this.inFlight++;
    try {
      return await rpc(provider);
    } finally {
      this.inFlight--;
    }
  }

  private async configure(request: Request<"configureProvider">) {
    // Terraform configures its provider once per walk and waits for every call of the walk
    // before the next: a configuration arriving while calls run comes from another Terraform.
    if (this.configured && this.inFlight > 0) return { diagnostics: [ANOTHER_TERRAFORM] };
    if (this.configured) {
      const previous = this.session;
      this.session = this.newSession();
      void previous?.then((p) => p.close());
    }
    this.configured = true;
    return (await this.provider()).configureProvider(request);
  }

  getMetadata = () => light.getMetadata();
  getProviderSchema = () => light.getProviderSchema();
  validateProviderConfig = (r: Request<"validateProviderConfig">) => light.validateProviderConfig(r);
  validateDataResourceConfig = (r: Request<"validateDataResourceConfig">) => light.validateDataResourceConfig(r);
  validateResourceConfig = (r: Request<"validateResourceConfig">) => light.validateResourceConfig(r);

  configureProvider = (r: Request<"configureProvider">) => this.configure(r);
  readDataSource = (r: Request<"readDataSource">) => this.inSession((p) => p.readDataSource(r));
  upgradeResourceState = (r: Request<"upgradeResourceState">) => this.inSession((p) => p.upgradeResourceState(r));
  readResource = (r: Request<"readResource">) => this.inSession((p) => p.readResource(r));
  planResourceChange = (r: Request<"planResourceChange">) => this.inSession((p) => p.planResourceChange(r));
  applyResourceChange = (r: Request<"applyResourceChange">) => this.inSession((p) => p.applyResourceChange(r));
  importResourceState = (r: Request<"importResourceState">) => this.inSession((p) => p.importResourceState(r));

  /** Nothing runs before the engine is loaded, so there is nothing to stop. */
  stopProvider = async () => (this.session ? (await this.session).stopProvider() : { Error: "" });

  async close(): Promise<void> {
    if (this.session) await (await this.session).close();
  }
}
