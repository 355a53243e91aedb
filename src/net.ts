import net from "node:net";

/** A free TCP port on loopback, for callers that asked for port 0. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** Fails with `message` if host:port cannot be bound now; lets start-up fail before slow work. */
export async function assertPortFree(host: string, port: number, message: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(message) : error),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
