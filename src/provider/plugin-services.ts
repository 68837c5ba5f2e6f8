/**
 * The services go-plugin expects next to the provider: the health check (`plugin` is serving),
 * the controller whose Shutdown ends the process, the stdio stream (nothing is mirrored: the
 * provider writes its logs to stderr, which Terraform reads) and the broker stream (no
 * sub-plugins here: it stays open until Terraform closes it).
 */
import { status, type ServerDuplexStream, type ServerWritableStream, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { handleUnaryCall } from "@grpc/grpc-js";

/** The service name go-plugin's health check asks about. */
export const HEALTH_SERVICE_NAME = "plugin";

export function healthImplementation(): UntypedServiceImplementation {
  const check: handleUnaryCall<{ service?: string }, unknown> = (call, callback) => {
    const service = call.request.service ?? "";
    if (service === "" || service === HEALTH_SERVICE_NAME) callback(null, { status: "SERVING" });
    else callback(Object.assign(new Error(`unknown service ${service}`), { code: status.NOT_FOUND, details: `unknown service ${service}` }));
  };
  const list: handleUnaryCall<unknown, unknown> = (_call, callback) => callback(null, { statuses: { [HEALTH_SERVICE_NAME]: { status: "SERVING" } } });
  const watch = (call: ServerWritableStream<unknown, unknown>) => {
    call.write({ status: "SERVING" });
  };
  return { Check: check, List: list, Watch: watch };
}

/** Streams kept open until the process ends, so they can be ended then. */
export class OpenStreams {
  private readonly streams = new Set<{ end: () => void }>();

  hold(stream: { end: () => void; on: (event: "close" | "cancelled", listener: () => void) => unknown }): void {
    this.streams.add(stream);
    const forget = () => this.streams.delete(stream);
    stream.on("close", forget);
    stream.on("cancelled", forget);
  }

  endAll(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }
}

export function stdioImplementation(open: OpenStreams): UntypedServiceImplementation {
  return { StreamStdio: (call: ServerWritableStream<unknown, unknown>) => open.hold(call) };
}

export function brokerImplementation(open: OpenStreams): UntypedServiceImplementation {
  return {
    StartStream: (call: ServerDuplexStream<unknown, unknown>) => {
      open.hold(call);
      call.on("end", () => call.end());
    },
  };
}

/** Shutdown answers first, then the process stops serving. */
export function controllerImplementation(shutdown: () => void): UntypedServiceImplementation {
  const handler: handleUnaryCall<unknown, unknown> = (_call, callback) => {
    callback(null, {});
    setImmediate(shutdown);
  };
  return { Shutdown: handler };
}
