import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreateRunRequest, RunView } from '@gradsheet/shared';
import { buildApp } from '@gradsheet/server';

/** Helpers for tests that run the training service on loopback and talk to it over real HTTP. */

export type AppOptions = Parameters<typeof buildApp>[0];

const BIN = fileURLToPath(new URL('../../server/bin/gradsheet.js', import.meta.url));

export async function tempDir(prefix = 'gradsheet-service-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A run small enough to take a second or so per epoch. */
export function tinyRun(overrides: Partial<CreateRunRequest> = {}): CreateRunRequest {
  return {
    model: 'gradsheet-7774',
    epochs: 3,
    batchSize: 32,
    optimizer: 'adam',
    lr: 0.005,
    schedule: 'none',
    seed: 1,
    limitTrain: 256,
    limitTest: 100,
    backend: 'wasm',
    ...overrides,
  };
}

export interface Service {
  readonly url: string;
  close(): Promise<void>;
}

/** buildApp, listening on 127.0.0.1 and a free port. */
export async function startService(options: AppOptions): Promise<Service> {
  const app = await buildApp(options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

export interface Answer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** One request; a JSON body is sent as JSON, a string as is. */
export async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const raw = typeof options.body === 'string';
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: raw ? (options.body as string) : JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, body: (type.includes('json') ? JSON.parse(text) : text) as T };
}

export async function createRun(url: string, request: CreateRunRequest, headers: Record<string, string> = {}): Promise<string> {
  const answer = await call<{ id: string }>(url, 'POST', '/api/runs', { body: request, headers });
  if (answer.status !== 201) throw new Error(`POST /api/runs: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.id;
}

export async function getRun(url: string, id: string): Promise<RunView> {
  const answer = await call<RunView>(url, 'GET', `/api/runs/${id}`);
  if (answer.status !== 200) throw new Error(`GET run: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

export interface SseEvent {
  readonly event: string;
  readonly id?: string;
  readonly data: string;
  /** When it arrived (performance.now()). */
  readonly at: number;
}

/**
 * Reads a run's event stream, parsing the SSE wire format by hand, until the
 * stream ends or `stop` returns true.
 */
export async function readEvents(
  url: string,
  runId: string,
  options: { lastEventId?: number; headers?: Record<string, string>; stop?: (event: SseEvent, all: readonly SseEvent[]) => boolean; timeoutMs?: number } = {},
): Promise<{ events: SseEvent[]; comments: number; status: number; headers: Headers }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('event stream timed out')), options.timeoutMs ?? 90_000);
  const events: SseEvent[] = [];
  let comments = 0;
  try {
    const response = await fetch(`${url}/api/runs/${runId}/events`, {
      headers: { accept: 'text/event-stream', ...(options.lastEventId !== undefined ? { 'last-event-id': String(options.lastEventId) } : {}), ...options.headers },
      signal: abort.signal,
    });
    const result = { events, status: response.status, headers: response.headers };
    if (!response.body || response.status !== 200) return { ...result, comments };
    const decoder = new TextDecoder();
    let buffer = '';
    // Leaving the loop early cancels the body: the connection drops, as a client going away would.
    reading: for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let blank: number;
      while ((blank = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, blank);
        buffer = buffer.slice(blank + 2);
        const fields: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments++;
          const match = /^(\w+): ?(.*)$/.exec(line);
          if (match) fields[match[1] as string] = match[2] as string;
        }
        if (fields.event === undefined) continue;
        const event: SseEvent = { event: fields.event, data: fields.data ?? '', at: performance.now(), ...(fields.id !== undefined ? { id: fields.id } : {}) };
        events.push(event);
        if (options.stop?.(event, events)) break reading;
      }
    }
    return { ...result, comments };
  } finally {
    clearTimeout(timer);
  }
}

export const epochsOf = (events: readonly SseEvent[]) => events.filter((e) => e.event === 'epoch').map((e) => JSON.parse(e.data) as { epoch: number });

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
}

/** `gradsheet serve --http --port 0` (or with `args` in place of --http) as a child process; resolves once it prints its address. */
export function spawnServe(dataDir: string, args: readonly string[] = ['--http']): Promise<ServeProcess & { stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args, '--port', '0', '--threads', '1', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (https?:\/\/\S+)/.exec(out);
      if (match) resolve({ url: match[1] as string, child, exited, stderr: () => err });
    });
    void exited.then((code) => reject(new Error(`gradsheet serve exited with ${code}: ${err}`)));
  });
}
