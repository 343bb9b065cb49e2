/**
 * Load benchmark for a class's training service, on loopback only. It makes a data
 * directory with 30 learner accounts and a teacher, starts
 * `gradsheet serve --http --port 0` on it in a child process, and then:
 *   - each learner starts 3 tiny runs at once (all 30 together), tries more until the
 *     service answers 429, deletes any run past its 3, and streams each of its runs
 *     (a fetch reader with its token, as the task pane does) until `done`;
 *   - the teacher lists every run again and again meanwhile;
 *   - /api/health is timed one request at a time throughout.
 * It prints the order runs started in (round-robin: none starts while a learner with
 * fewer started runs waits), the 429s, whether any run's stream lost or doubled an
 * epoch, and the latencies. Every loop is bounded and the whole benchmark stops by
 * itself (server stopped, data removed). Not a test: it prints the figures.
 *   node server/dist/bench/service-load.js [--users 30] [--runs 3] [--concurrent-runs 2] [--epochs 2]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GradSheetError, type CreateRunRequest, type RunListResponse, type RunView } from '@gradsheet/shared';
import { addAccounts } from '../service/accounts/account-file.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '30' },
    runs: { type: 'string', default: '3' },
    'concurrent-runs': { type: 'string', default: '2' },
    epochs: { type: 'string', default: '2' },
  },
});
const USERS = Math.min(200, Number(values.users));
const RUNS = Math.min(10, Number(values.runs));
const CONCURRENT = Math.min(16, Number(values['concurrent-runs']));
/** However it goes, the benchmark ends by then. */
const DEADLINE_MS = 15 * 60_000;
const BIN = fileURLToPath(new URL('../../bin/gradsheet.js', import.meta.url));

/** Small enough that 90 of them train in a few minutes on two cores. */
const RUN: CreateRunRequest = {
  model: 'gradsheet-7774',
  epochs: Number(values.epochs),
  batchSize: 32,
  optimizer: 'adam',
  lr: 0.005,
  schedule: 'none',
  seed: 1,
  limitTrain: 128,
  limitTest: 64,
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
  return `${name.padEnd(22)} n=${String(sorted.length).padStart(5)}  p50 ${f(percentile(sorted, 50))} ms  p95 ${f(percentile(sorted, 95))} ms  p99 ${f(percentile(sorted, 99))} ms  max ${f(sorted.at(-1) ?? NaN)} ms`;
}

/** One request, timed; never throws. */
async function timed(url: string, token: string, init: RequestInit = {}): Promise<{ ms: number; status: number; body: unknown; headers: Headers | null }> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
    const text = await response.text();
    const body = (response.headers.get('content-type') ?? '').includes('json') && text !== '' ? (JSON.parse(text) as unknown) : text;
    return { ms: performance.now() - started, status: response.status, body, headers: response.headers };
  } catch {
    return { ms: performance.now() - started, status: 0, body: null, headers: null };
  }
}

/** A run's event stream read to its end with a token: the epoch ids in the order they came, and how it ended. */
async function stream(base: string, token: string, id: string, signal: AbortSignal): Promise<{ epochs: number[]; done: string | null }> {
  const epochs: number[] = [];
  let done: string | null = null;
  try {
    const response = await fetch(`${base}/api/runs/${id}/events`, { signal, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
    if (!response.ok || !response.body) return { epochs, done: `HTTP ${response.status}` };
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let blank: number;
      while ((blank = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, blank);
        buffer = buffer.slice(blank + 2);
        const event = /^event: (\w+)$/m.exec(block)?.[1];
        if (event === 'epoch') epochs.push(Number(/^id: (\d+)$/m.exec(block)?.[1]));
        if (event === 'done') done = (JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as { state?: string }).state ?? '?';
      }
    }
  } catch {
    // Aborted at the deadline: reported as not done.
  }
  return { epochs, done };
}

/** Start order against round-robin: a start is out of turn when another learner with fewer started runs had one waiting. */
function outOfTurn(runs: readonly RunView[]): number {
  const started = runs.filter((r) => r.startedAt !== undefined).sort((a, b) => (a.startedAt as string).localeCompare(b.startedAt as string));
  const count = new Map<string, number>();
  let violations = 0;
  for (const run of started) {
    const at = run.startedAt as string;
    const mine = count.get(run.owner ?? '') ?? 0;
    const waiting = runs.filter((r) => r.owner !== run.owner && r.createdAt < at && (r.startedAt === undefined || r.startedAt > at));
    if (waiting.some((r) => (count.get(r.owner ?? '') ?? 0) < mine)) violations++;
    count.set(run.owner ?? '', mine + 1);
  }
  return violations;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gradsheet-load-'));
  const learners = Array.from({ length: USERS }, (_, i) => `learner${String(i + 1).padStart(2, '0')}`);
  const accounts = await addAccounts(dataDir, [...learners.map((name) => ({ name, role: 'learner' as const })), { name: 'teacher', role: 'teacher' }]);
  const token = Object.fromEntries(accounts.map((a) => [a.name, a.token])) as Record<string, string>;
  const server = spawn(process.execPath, [BIN, 'serve', '--http', '--port', '0', '--threads', '1', '--concurrent-runs', String(CONCURRENT), '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const deadline = setTimeout(() => {
    process.stderr.write('service-load: deadline reached, stopping\n');
    server.kill('SIGKILL');
    process.exit(1);
  }, DEADLINE_MS);
  const stopStreams = new AbortController();
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match) resolve(match[1] as string);
      });
      server.once('exit', (code) => reject(new GradSheetError('INTERNAL', `gradsheet serve exited with ${code}`)));
    });

    // Health, one request after another, from before the first run until the last stream ends.
    const health: number[] = [];
    let healthErrors = 0;
    let measuring = true;
    const sampler = (async () => {
      while (measuring) {
        const { ms, status } = await timed(`${base}/api/health`, token.teacher as string);
        if (status === 200) health.push(ms);
        else healthErrors++;
        await sleep(20);
      }
    })();

    // The teacher lists every run, again and again.
    const lists: number[] = [];
    let teacherSaw = 0;
    const teacher = (async () => {
      while (measuring) {
        const { ms, status, body } = await timed(`${base}/api/runs`, token.teacher as string);
        if (status === 200) {
          lists.push(ms);
          teacherSaw = Math.max(teacherSaw, (body as RunListResponse).runs.length);
        }
        await sleep(250);
      }
    })();

    const started = performance.now();
    const creates: number[] = [];
    const refusals: { status: number; retryAfter: string | null; message: string }[] = [];
    const learnerResults = await Promise.all(
      learners.map(async (name) => {
        const mine = token[name] as string;
        const post = () => timed(`${base}/api/runs`, mine, { method: 'POST', body: JSON.stringify(RUN) });
        // Three at once, as a learner pressing Start three times.
        const first = await Promise.all(Array.from({ length: RUNS }, post));
        const ids: string[] = [];
        for (const answer of first) {
          creates.push(answer.ms);
          if (answer.status === 201) ids.push((answer.body as { id: string }).id);
        }
        // More until the service says no (its limit: 3 waiting, 1 training, per learner).
        for (let i = 0; i < 3; i++) {
          const more = await post();
          if (more.status === 201) {
            ids.push((more.body as { id: string }).id);
            continue;
          }
          refusals.push({ status: more.status, retryAfter: more.headers?.get('retry-after') ?? null, message: (more.body as { message?: string }).message ?? '' });
          break;
        }
        // Keep three: delete any past them.
        for (const extra of ids.splice(RUNS)) await timed(`${base}/api/runs/${extra}`, mine, { method: 'DELETE' });
        const listed = (await timed(`${base}/api/runs`, mine)).body as RunListResponse;
        const streams = await Promise.all(ids.map((id) => stream(base, mine, id, stopStreams.signal)));
        return { name, ids, ownListed: listed.runs.every((r) => r.owner === name) ? listed.runs.length : -1, streams };
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    measuring = false;
    await Promise.all([sampler, teacher]);

    const all = ((await timed(`${base}/api/runs`, token.teacher as string)).body as RunListResponse).runs;
    const streams = learnerResults.flatMap((r) => r.streams);
    const whole = streams.filter((s) => s.done === 'done' && s.epochs.join(',') === Array.from({ length: RUN.epochs }, (_, i) => i + 1).join(',')).length;
    const lost = streams.filter((s) => s.epochs.length < RUN.epochs).length;
    const doubled = streams.filter((s) => new Set(s.epochs).size !== s.epochs.length).length;
    const wrongLists = learnerResults.filter((r) => r.ownListed !== RUNS).length;

    console.log(`GradSheet class service load: ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, Node ${process.version}, loopback`);
    console.log(`${USERS} learners x ${RUNS} runs of ${RUN.model} (${RUN.epochs} epochs, ${RUN.limitTrain} images), --concurrent-runs ${CONCURRENT}, in ${seconds.toFixed(0)} s`);
    console.log(`runs done               ${all.filter((r) => r.state === 'done').length} of ${all.length}; teacher's list saw up to ${teacherSaw} runs, each learner's list its own ${RUNS}: ${wrongLists === 0 ? 'yes' : `no (${wrongLists} wrong)`}`);
    console.log(`start order             ${outOfTurn(all)} runs started out of round-robin turn`);
    console.log(
      `limits                  ${refusals.filter((r) => r.status === 429).length} answers 429 (of ${refusals.length} refusals), ` +
        `${refusals.filter((r) => r.status === 429 && r.retryAfter !== null).length} with Retry-After; e.g. "${refusals[0]?.message ?? ''}"`,
    );
    console.log(`event streams           ${whole} of ${streams.length} got every epoch once and ended done; ${lost} lost an epoch, ${doubled} doubled one`);
    console.log(summary('POST /api/runs', creates));
    console.log(summary('GET /api/runs (teacher)', lists));
    console.log(summary('GET /api/health', health), ` (${healthErrors} errors)`);
    const p99 = percentile([...health].sort((a, b) => a - b), 99);
    console.log(`health p99 ${p99.toFixed(1)} ms: ${p99 < 100 ? 'within' : 'OVER'} the 100 ms target`);
  } finally {
    stopStreams.abort();
    server.kill('SIGTERM');
    await new Promise((done) => (server.exitCode === null ? server.once('exit', done) : done(null)));
    clearTimeout(deadline);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
