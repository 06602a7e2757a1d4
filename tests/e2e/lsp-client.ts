/** A minimal Language Server Protocol client over stdio (JSON-RPC with Content-Length framing), for tests. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

type Json = Record<string, unknown>;

export class LspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly stderr: string[] = [];

  constructor(
    command: string,
    args: string[],
    /** Answers the server's own requests (workspace/configuration, …); undefined → null. */
    private readonly onRequest: (method: string, params: unknown) => unknown,
    cwd?: string,
  ) {
    this.child = spawn(command, args, { cwd, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, VITEST: "" } });
    this.child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.child.on("exit", () => {
      for (const p of this.pending.values()) p.reject(new Error(`server exited; stderr:\n${this.stderr.join("")}`));
      this.pending.clear();
    });
  }

  private send(message: Json): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString("ascii");
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as Json);
    }
  }

  private dispatch(message: Json): void {
    if (message.id !== undefined && message.method === undefined) {
      const p = this.pending.get(message.id as number);
      this.pending.delete(message.id as number);
      if (!p) return;
      if (message.error) p.reject(new Error(JSON.stringify(message.error)));
      else p.resolve(message.result);
    } else if (message.id !== undefined) {
      let result: unknown = null;
      try {
        result = this.onRequest(message.method as string, message.params) ?? null;
      } catch {
        result = null;
      }
      this.send({ id: message.id, result });
    } else {
      this.notifications.push({ method: message.method as string, params: message.params });
    }
  }

  request<T = unknown>(method: string, params: unknown, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out; stderr:\n${this.stderr.join("")}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.send({ id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  async stop(): Promise<void> {
    try {
      await this.request("shutdown", null, 10_000);
      this.notify("exit", null);
    } catch {
      // already gone
    }
    this.child.kill();
  }
}
