import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * PGlite lets one process open the data directory. So that `fhiriq seed` or
 * `fhiriq admin create` still work while `fhiriq serve` runs, the server
 * listens on a Unix socket inside DATA_DIR (mode 0600: only the owner of the
 * data can use it) and runs those commands itself. One JSON line in, one out.
 */
export type ControlHandlers = Record<string, (args: Record<string, unknown>) => Promise<unknown>>;

export function controlSocketPath(dataDir: string): string {
  return path.join(dataDir, 'control.sock');
}

export async function startControlServer(
  dataDir: string,
  handlers: ControlHandlers,
): Promise<{ close(): Promise<void> }> {
  const file = controlSocketPath(dataDir);
  fs.rmSync(file, { force: true });
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) {
        if (buffer.length > 64 * 1024) socket.destroy();
        return;
      }
      const line = buffer.slice(0, nl);
      buffer = '';
      void answer(line).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
    });
    socket.on('error', () => {});
  });
  async function answer(line: string): Promise<{ ok: boolean; result?: unknown; error?: string }> {
    try {
      const { command, args } = JSON.parse(line) as { command: string; args: Record<string, unknown> };
      const handler = handlers[command];
      if (!handler) return { ok: false, error: `Unknown command ${command}` };
      return { ok: true, result: await handler(args ?? {}) };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  fs.chmodSync(file, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(file, { force: true });
      }),
  };
}

export class ControlCommandError extends Error {
  readonly exitMessage = true;
}

/** Sends a command to the server holding `dataDir`; undefined when no server answers. */
export async function runControlCommand(
  dataDir: string,
  command: string,
  args: Record<string, unknown>,
): Promise<unknown | undefined> {
  const file = controlSocketPath(dataDir);
  if (!fs.existsSync(file)) return undefined;
  const reply = await new Promise<string | undefined>((resolve) => {
    const socket = net.connect(file);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ command, args })}\n`));
    socket.on('data', (c: string) => {
      data += c;
    });
    socket.on('end', () => resolve(data));
    socket.on('error', () => resolve(undefined));
    socket.setTimeout(30000, () => {
      socket.destroy();
      resolve(undefined);
    });
  });
  if (!reply) return undefined;
  const parsed = JSON.parse(reply) as { ok: boolean; result?: unknown; error?: string };
  if (!parsed.ok) throw new ControlCommandError(parsed.error ?? 'The server refused the command');
  return parsed.result;
}
