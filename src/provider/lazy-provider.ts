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
import * as light from "./light-rpcs";
import type { LdomsProvider } from "./provider-rpcs";
import type { ProviderRpcs } from "./provider-service";

type Request<K extends keyof LdomsProvider> = Parameters<LdomsProvider[K]>[0];

export class LazyProvider implements ProviderRpcs {
  private factory: Promise<() => LdomsProvider> | undefined;
  private session: Promise<LdomsProvider> | undefined;
  private configured = false;

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

  private async configure(request: Request<"configureProvider">) {
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
  readDataSource = async (r: Request<"readDataSource">) => (await this.provider()).readDataSource(r);
  upgradeResourceState = async (r: Request<"upgradeResourceState">) => (await this.provider()).upgradeResourceState(r);
  readResource = async (r: Request<"readResource">) => (await this.provider()).readResource(r);
  planResourceChange = async (r: Request<"planResourceChange">) => (await this.provider()).planResourceChange(r);
  applyResourceChange = async (r: Request<"applyResourceChange">) => (await this.provider()).applyResourceChange(r);
  importResourceState = async (r: Request<"importResourceState">) => (await this.provider()).importResourceState(r);

  /** Nothing runs before the engine is loaded, so there is nothing to stop. */
  stopProvider = async () => (this.session ? (await this.session).stopProvider() : { Error: "" });

  async close(): Promise<void> {
    if (this.session) await (await this.session).close();
  }
}
