/**
 * The training service for route tests: `buildApp` over a fresh data folder,
 * answering `app.inject()` (no socket), and run folders seeded as an earlier
 * service would have left them. Tests that need a real socket (event streams
 * while a run trains, TLS, load) use loopback in tests/ instead.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EpochMetrics, RunRecord, RunState, TrainConfig, UserRole } from '@gradsheet/shared';
import type { FastifyInstance, HTTPMethods, InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { addAccounts } from '../src/service/accounts/account-file.js';
import { buildApp, type AppOptions } from '../src/service/app.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly dataDir: string;
  /** Each account's token, by name, when the app was made with accounts. */
  readonly tokens: Readonly<Record<string, string>>;
  /** One request through `inject`; a JSON answer is parsed. */
  call<T = Record<string, unknown>>(method: HTTPMethods, url: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<Answer<T>>;
  close(): Promise<void>;
}

export interface Answer<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly raw: Buffer;
}

/** A run as run.json keeps it, with the metrics its metrics.jsonl holds. */
export interface SeededRun {
  readonly id: string;
  readonly state: RunState;
  readonly createdAt: string;
  readonly metrics?: readonly EpochMetrics[];
  readonly error?: string;
  /** The account that started it. */
  readonly owner?: string;
  readonly finishedAt?: string;
}

/** The settings of a tiny run, whole, as run.json holds them. */
export const TINY_CONFIG: TrainConfig = {
  model: 'gradsheet-7774',
  epochs: 3,
  batchSize: 32,
  optimizer: 'adam',
  lr: 0.005,
  schedule: 'none',
  momentum: 0.9,
  stepSize: 1,
  gamma: 0.1,
  seed: 1,
  limitTrain: 256,
  limitTest: 100,
  backend: 'wasm',
  augment: false,
  threads: 1,
  emaDecay: 0,
};

/** One epoch's metrics, with plausible numbers. */
export function epochMetrics(epoch: number): EpochMetrics {
  return { epoch, trainLoss: 1 / epoch, trainAcc: 0.5 + epoch / 10, testLoss: 1.1 / epoch, testAcc: 0.45 + epoch / 10, testCorrect: 45 + 10 * epoch, testCount: 100, lr: 0.005, seconds: 1.5, imagesPerSecond: 170 };
}

/** Writes a run's folder as the service leaves it: run.json, and metrics.jsonl with one line per epoch. */
async function seedRun(dataDir: string, run: SeededRun): Promise<void> {
  const dir = join(dataDir, 'runs', run.id);
  await mkdir(dir, { recursive: true });
  const record: RunRecord = {
    id: run.id,
    config: TINY_CONFIG,
    state: run.state,
    createdAt: run.createdAt,
    updatedAt: run.createdAt,
    ...(run.state !== 'queued' ? { startedAt: run.createdAt } : {}),
    ...(run.error !== undefined ? { error: run.error } : {}),
    ...(run.owner !== undefined ? { owner: run.owner } : {}),
    ...(run.finishedAt !== undefined ? { finishedAt: run.finishedAt } : {}),
  };
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  await writeFile(join(dir, 'metrics.jsonl'), (run.metrics ?? []).map((m) => `${JSON.stringify(m)}\n`).join(''));
}

/**
 * buildApp over a fresh data folder holding `runs`, and `accounts` as `gradsheet users`
 * makes them (the service then has accounts); `close` ends the app and removes the folder.
 */
export async function testApp(
  options: Omit<AppOptions, 'dataDir'> = {},
  runs: readonly SeededRun[] = [],
  accounts: readonly { name: string; role: UserRole }[] = [],
): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gradsheet-routes-'));
  for (const run of runs) await seedRun(dataDir, run);
  const tokens = accounts.length > 0 ? Object.fromEntries((await addAccounts(dataDir, accounts)).map((a) => [a.name, a.token])) : {};
  // No built task pane: the routes under test are the API's.
  const app = await buildApp({ taskpaneDir: join(dataDir, 'no-pane'), ...options, dataDir });
  return {
    app,
    dataDir,
    tokens,
    async call<T>(method: HTTPMethods, url: string, { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
      const request: InjectOptions = {
        method,
        url,
        headers: { ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
      };
      if (body !== undefined) request.payload = typeof body === 'string' ? body : JSON.stringify(body);
      const response = await app.inject(request);
      const type = String(response.headers['content-type'] ?? '');
      return { status: response.statusCode, headers: response.headers, raw: response.rawPayload, body: (type.includes('json') && response.body !== '' ? response.json() : response.body) as T };
    },
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What every refusal looks like: the status, the stable `code`, and its sentence. */
export function expectRefusal(answer: Answer<unknown>, status: number, code: string): { message: string } {
  const body = answer.body as { statusCode?: number; code?: string; message?: string };
  expect({ status: answer.status, code: body.code, statusCode: body.statusCode }, JSON.stringify(body)).toEqual({ status, code, statusCode: status });
  return { message: body.message ?? '' };
}
