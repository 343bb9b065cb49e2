/**
 * Load benchmark for the training service, on loopback only. It starts
 * `gradsheet serve --http --port 0` in a child process on a temporary data
 * directory, starts one training run, and while it trains:
 *   - holds 50 Server-Sent Event clients on that run,
 *   - fires bursts of 200 concurrent GET /api/runs,
 *   - times GET /api/health one request at a time.
 * Every loop is bounded, and the whole benchmark stops by itself (run cancelled,
 * server stopped, data removed). Not a test: it prints the figures.
 *   node server/dist/bench/service-load.js [--sse 50] [--burst 200] [--bursts 10] [--samples 400] [--threads 1]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CreateRunRequest, RunView } from '@gradsheet/shared';

const { values } = parseArgs({
  options: {
    sse: { type: 'string', default: '50' },
    burst: { type: 'string', default: '200' },
    bursts: { type: 'string', default: '10' },
    samples: { type: 'string', default: '400' },
    threads: { type: 'string', default: '1' },
  },
});
const SSE_CLIENTS = Math.min(500, Number(values.sse));
const BURST = Math.min(1000, Number(values.burst));
const BURSTS = Math.min(100, Number(values.bursts));
const SAMPLES = Math.min(5000, Number(values.samples));
/** However it goes, the benchmark ends by then. */
const DEADLINE_MS = 180_000;
const BIN = fileURLToPath(new URL('../../bin/gradsheet.js', import.meta.url));

const RUN: CreateRunRequest = {
  model: 'gradsheet-7774',
  epochs: 20,
  batchSize: 64,
  optimizer: 'adam',
  lr: 0.005,
  schedule: 'none',
  seed: 1,
  limitTrain: 2048,
  limitTest: 500,
  backend: 'wasm',
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function summary(name: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1).padStart(7);
  return `${name.padEnd(20)} n=${String(sorted.length).padStart(5)}  p50 ${f(percentile(sorted, 50))} ms  p95 ${f(percentile(sorted, 95))} ms  p99 ${f(percentile(sorted, 99))} ms  max ${f(sorted.at(-1) ?? NaN)} ms`;
}

async function timed(url: string): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return { ms: performance.now() - started, ok: response.ok };
  } catch {
    return { ms: performance.now() - started, ok: false };
  }
}

/** One SSE client: counts events until aborted. */
async function sseClient(url: string, signal: AbortSignal, counts: { events: number; epochs: Set<number> }): Promise<boolean> {
  try {
    const response = await fetch(url, { signal, headers: { accept: 'text/event-stream' } });
    if (!response.ok || !response.body) return false;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let blank: number;
      while ((blank = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, blank);
        buffer = buffer.slice(blank + 2);
        if (!block.includes('event: ')) continue;
        counts.events++;
        const id = /^id: (\d+)$/m.exec(block);
        if (id) counts.epochs.add(Number(id[1]));
      }
    }
    return true;
  } catch {
    return signal.aborted; // aborted by us at the end: a clean finish
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gradsheet-load-'));
  const server = spawn(process.execPath, [BIN, 'serve', '--http', '--port', '0', '--host', '127.0.0.1', '--threads', values.threads, '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const deadline = setTimeout(() => {
    process.stderr.write('service-load: deadline reached, stopping\n');
    server.kill('SIGKILL');
    process.exit(1);
  }, DEADLINE_MS);
  const stopClients = new AbortController();
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match) resolve(match[1] as string);
      });
      server.once('exit', (code) => reject(new Error(`gradsheet serve exited with ${code}`)));
    });

    const created = await fetch(`${base}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(RUN) });
    const { id } = (await created.json()) as { id: string };
    // Measure while it trains, not while it loads.
    for (let i = 0; i < 600; i++) {
      const run = (await (await fetch(`${base}/api/runs/${id}`)).json()) as RunView;
      if (run.progress) break;
      await sleep(50);
    }

    const counts = Array.from({ length: SSE_CLIENTS }, () => ({ events: 0, epochs: new Set<number>() }));
    const clients = counts.map((c) => sseClient(`${base}/api/runs/${id}/events`, stopClients.signal, c));

    const health: number[] = [];
    let healthErrors = 0;
    let bursting = true;
    const sampler = (async () => {
      for (let i = 0; i < SAMPLES * 4 && (bursting || health.length < SAMPLES); i++) {
        const { ms, ok } = await timed(`${base}/api/health`);
        if (ok) health.push(ms);
        else healthErrors++;
        await sleep(10);
      }
    })();

    const lists: number[] = [];
    let listErrors = 0;
    for (let b = 0; b < BURSTS; b++) {
      const results = await Promise.all(Array.from({ length: BURST }, () => timed(`${base}/api/runs`)));
      for (const { ms, ok } of results) (ok ? lists : (listErrors++, lists)).push(ms);
      await sleep(250);
    }
    bursting = false;
    await sampler;

    const run = (await (await fetch(`${base}/api/runs/${id}`)).json()) as RunView;
    await fetch(`${base}/api/runs/${id}/cancel`, { method: 'POST' });
    stopClients.abort();
    const connected = (await Promise.all(clients)).filter(Boolean).length;
    const events = counts.map((c) => c.events);
    const epochSets = counts.map((c) => [...c.epochs].sort((a, b) => a - b).join(','));

    console.log(`GradSheet service load: ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, Node ${process.version}, loopback`);
    console.log(`run ${RUN.model}, batch ${RUN.batchSize}, ${RUN.limitTrain} images/epoch, run ${run.state} with ${run.metrics.length} epochs done when measured`);
    console.log(
      `SSE clients          ${connected}/${SSE_CLIENTS} streamed to the end; events per client min ${Math.min(...events)} max ${Math.max(...events)}; ` +
        `epochs [${epochSets[0] ?? ''}] seen by ${epochSets.filter((set) => set === epochSets[0]).length} clients`,
    );
    console.log(summary('GET /api/runs', lists), ` (${BURSTS} bursts of ${BURST} concurrent, ${listErrors} errors)`);
    console.log(summary('GET /api/health', health), ` (one at a time during the bursts, ${healthErrors} errors)`);
    const p99 = percentile([...health].sort((a, b) => a - b), 99);
    console.log(`health p99 ${p99.toFixed(1)} ms: ${p99 < 100 ? 'within' : 'OVER'} the 100 ms target`);
  } finally {
    stopClients.abort();
    server.kill('SIGTERM');
    await new Promise((done) => (server.exitCode === null ? server.once('exit', done) : done(null)));
    clearTimeout(deadline);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
