import { createPrivateKey, X509Certificate } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess } from "../support/run-process";
import { handshakeLine, handshakeRefusal, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../src/provider/handshake";
import { portRange, serveProvider } from "../../src/provider/serve";
import { clientCertificate, makeServerCertificate } from "../../src/provider/tls";

const cookie = { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE };

describe("go-plugin handshake", () => {
  it("prints core 1, protocol 6, the address, grpc, and no certificate without mutual TLS", () => {
    expect(handshakeLine({ network: "tcp", address: "127.0.0.1:40123" })).toBe("1|6|tcp|127.0.0.1:40123|grpc|");
    expect(handshakeLine({ network: "unix", address: "/tmp/plugin1234" })).toBe("1|6|unix|/tmp/plugin1234|grpc|");
  });

  it("prints the certificate's DER as unpadded standard base64 (no newline, no '=')", () => {
    const cert = makeServerCertificate();
    const line = handshakeLine({ network: "tcp", address: "127.0.0.1:1" }, cert.der);
    const fields = line.split("|");
    expect(fields).toHaveLength(6);
    expect(fields[5]).toMatch(/^[A-Za-z0-9+/]+$/);
    expect(Buffer.from(fields[5]!, "base64").equals(cert.der)).toBe(true);
  });

  it("makes a self-signed CA certificate for localhost and 127.0.0.1, for server and client use", () => {
    const now = new Date("2026-12-01T20:00:00Z");
    const cert = new X509Certificate(makeServerCertificate(30, now).certPem);
    expect(cert.subject).toContain("CN=localhost");
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.subjectAltName).toContain("DNS:localhost");
    expect(cert.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(cert.keyUsage).toEqual(expect.arrayContaining(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]));
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime() - 30_000);
    expect(new Date(cert.validTo).getTime()).toBe(now.getTime() + 30 * 86_400_000);
    // An ECDSA P-256 key (native and fast to make), and the key handed to gRPC is the certificate's.
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(cert.checkPrivateKey(createPrivateKey(makeServerCertificate(30, now).keyPem))).toBe(false);
    const own = makeServerCertificate(30, now);
    expect(new X509Certificate(own.certPem).checkPrivateKey(createPrivateKey(own.keyPem))).toBe(true);
    expect(new X509Certificate(own.der).raw.equals(own.der)).toBe(true);
    // Two certificates never share a serial number.
    expect(new X509Certificate(makeServerCertificate().certPem).serialNumber).not.toBe(cert.serialNumber);
  });

  it("refuses to serve without Terraform's magic cookie, or when Terraform does not offer protocol 6", () => {
    expect(handshakeRefusal({})).toMatch(/^terraform-provider-ldoms is a Terraform provider plugin: Terraform starts it, it is not run by hand/);
    expect(handshakeRefusal({ [MAGIC_COOKIE_KEY]: "wrong" })).toMatch(/not run by hand/);
    expect(handshakeRefusal(cookie)).toBeUndefined();
    expect(handshakeRefusal({ ...cookie, PLUGIN_PROTOCOL_VERSIONS: "5,6" })).toBeUndefined();
    expect(handshakeRefusal({ ...cookie, PLUGIN_PROTOCOL_VERSIONS: "5" })).toBe(
      "this provider speaks Terraform plugin protocol 6 (Terraform 1.0 or later); this Terraform offers 5",
    );
  });

  it("the provider run by hand prints why on stderr, nothing on stdout, and exits 1", async () => {
    const repo = join(__dirname, "../..");
    const run = await runProcess(process.execPath, [join(repo, "node_modules/tsx/dist/cli.mjs"), join(__dirname, "fixtures/provider-main.ts")], {
      env: { PATH: process.env["PATH"] ?? "" },
    });
    expect([run.status, run.stdout]).toEqual([1, ""]);
    expect(run.stderr).toMatch(/^terraform-provider-ldoms is a Terraform provider plugin/);
  }, 30_000);

  it("reads Terraform's client certificate, and says so when it is not one", () => {
    const pem = makeServerCertificate().certPem;
    expect(clientCertificate({ PLUGIN_CLIENT_CERT: pem })).toBe(pem);
    expect(clientCertificate({})).toBeUndefined();
    expect(() => clientCertificate({ PLUGIN_CLIENT_CERT: "not a certificate" })).toThrow(/^PLUGIN_CLIENT_CERT does not hold a PEM certificate/);
  });
});

describe("port range from the environment", () => {
  it("any port without PLUGIN_MIN_PORT and PLUGIN_MAX_PORT; their range when set; a clear error for a bad one", () => {
    expect(portRange({})).toEqual({ min: 0, max: 0 });
    expect(portRange({ PLUGIN_MIN_PORT: "10000", PLUGIN_MAX_PORT: "10010" })).toEqual({ min: 10000, max: 10010 });
    expect(portRange({ PLUGIN_MIN_PORT: "10000" })).toEqual({ min: 10000, max: 65535 });
    expect(() => portRange({ PLUGIN_MIN_PORT: "20", PLUGIN_MAX_PORT: "10" })).toThrow("PLUGIN_MIN_PORT 20 and PLUGIN_MAX_PORT 10 do not give a port range (1-65535, min <= max)");
  });

  it("a range with no free port: serving fails naming the range", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const taken = (busy.address() as { port: number }).port;
    try {
      const env = { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_MIN_PORT: String(taken), PLUGIN_MAX_PORT: String(taken) };
      await expect(serveProvider({ env, writeHandshake: () => undefined, writeError: () => undefined })).rejects.toThrow(`no free port on 127.0.0.1 from ${taken} to ${taken}`);
    } finally {
      busy.close();
    }
  });
});
