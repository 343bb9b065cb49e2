import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRESS_INTERVAL_MS, type RunListResponse, type RunView } from '@gradsheet/shared';
import { expectClose } from './support/backprop-check.js';
import { convertTo, numberAt, recalculateToCsv } from './support/libreoffice.js';
import { call, createRun, epochsOf, getRun, readEvents, startService, tempDir, tinyRun, waitFor, type Service } from './support/service.js';

/** Runs training for real (tiny runs on wasm), through a service listening on loopback. */

let dir: Awaited<ReturnType<typeof tempDir>>;
let service: Service;
beforeAll(async () => {
  dir = await tempDir();
  service = await startService({ dataDir: dir.path, heartbeatMs: 200 });
});
afterAll(async () => {
  await service?.close();
  await dir?.remove();
});

const metricsFile = async (id: string) =>
  (await readFile(join(dir.path, 'runs', id, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { epoch: number });

describe('run events', () => {
  it('a client that drops mid-run and reconnects with Last-Event-ID loses no epoch and sees none twice', async () => {
    const id = await createRun(service.url, tinyRun({ epochs: 5 }));
    // First connection: drop it as soon as epoch 1 arrives.
    const first = await readEvents(service.url, id, { stop: (event) => event.event === 'epoch' });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const seen = epochsOf(first.events).map((m) => m.epoch);
    expect(seen).toEqual([1]);
    expect(first.events.find((e) => e.event === 'epoch')?.id).toBe('1');

    // Epochs go on while nobody listens.
    await waitFor('a second epoch', async () => (await getRun(service.url, id)).metrics.length >= 2);
    const second = await readEvents(service.url, id, { lastEventId: 1 });
    const resumed = epochsOf(second.events).map((m) => m.epoch);
    expect(resumed).toEqual([2, 3, 4, 5]);
    expect(second.events.filter((e) => e.event === 'epoch').map((e) => e.id)).toEqual(['2', '3', '4', '5']);
    expect(second.events.at(-1)?.event).toBe('done');
    expect(JSON.parse(second.events.at(-1)?.data ?? '{}')).toMatchObject({ id, state: 'done', epochs: 5 });
    // Heartbeats are comments, and the stream carried state changes.
    expect(second.comments).toBeGreaterThan(0);
    expect(second.events.some((e) => e.event === 'state' && JSON.parse(e.data).state === 'done')).toBe(true);

    // What was streamed is exactly what is on disk.
    const streamed = [...epochsOf(first.events), ...epochsOf(second.events)];
    expect(streamed).toEqual(await metricsFile(id));
    expect((await getRun(service.url, id)).metrics).toEqual(streamed);
  });

  it('a finished run replays in full: state, every epoch, then done, and the stream ends', async () => {
    const { runs } = (await call<RunListResponse>(service.url, 'GET', '/api/runs')).body;
    const finished = runs.find((run) => run.state === 'done') as RunView;
    const replay = await readEvents(service.url, finished.id);
    expect(replay.events.map((e) => e.event)).toEqual(['state', 'epoch', 'epoch', 'epoch', 'epoch', 'epoch', 'done']);
    expect(epochsOf(replay.events)).toEqual(finished.metrics);
    // Last-Event-ID at the end: nothing to replay but `done`.
    expect((await readEvents(service.url, finished.id, { lastEventId: 5 })).events.map((e) => e.event)).toEqual(['state', 'done']);
  });

  it("reports progress at most four times a second, and the run's report as .xlsx", async () => {
    // emaDecay 0 overrides the model's averaging, and the run keeps what it was asked.
    const id = await createRun(service.url, tinyRun({ epochs: 2, batchSize: 8, emaDecay: 0 }));
    const view = (await (await fetch(`${service.url}/api/runs/${id}`)).json()) as RunView;
    expect(view.config.emaDecay).toBe(0);
    const stream = await readEvents(service.url, id);
    const progress = stream.events.filter((e) => e.event === 'progress');
    // The first batch always reports, and the stream was open before the worker's first batch.
    expect(progress.length).toBeGreaterThan(0);
    expect(JSON.parse(progress[0]?.data ?? '{}')).toMatchObject({ epoch: 1, batches: 32 });
    // The rate is bounded, not the count: every progress message leaves the worker between the run's start and its end,
    // at least PROGRESS_INTERVAL_MS after the one before, so N messages need (N - 1) intervals of run time.
    // A fast machine sends few, a slow one many; without the throttle each of the 64 batches would report.
    const finished = await getRun(service.url, id);
    const runMs = Date.parse(finished.finishedAt ?? '') - Date.parse(finished.startedAt ?? '');
    expect(runMs).toBeGreaterThan(0);
    // Timestamps are whole milliseconds: allow one either side.
    expect(progress.length - 1).toBeLessThanOrEqual(Math.floor((runMs + 2) / PROGRESS_INTERVAL_MS));

    const report = await fetch(`${service.url}/api/runs/${id}/report.xlsx`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(report.headers.get('content-disposition')).toBe(`attachment; filename="gradsheet-gradsheet-7774-${id.slice(0, 8)}.xlsx"`);
    const bytes = Buffer.from(await report.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');

    // The report opens in LibreOffice, its epoch table equals metrics.jsonl, and both charts are there.
    const file = join(dir.path, 'report.xlsx');
    await writeFile(file, bytes);
    const epochs = (await recalculateToCsv(file)).get('Epochs') ?? [];
    const lines = (await readFile(join(dir.path, 'runs', id, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(epochs[0]?.slice(0, 8)).toEqual(['Epoch', 'Train loss', 'Train acc', 'Test loss', 'Test acc', 'LR', 'Seconds', 'Images/s']);
    expect(epochs.filter((row) => row[0] !== '').length - 1).toBe(lines.length);
    const percent = (row: number, col: number) => Number((epochs[row]?.[col] ?? '').replace('%', '')) / 100;
    lines.forEach((m, i) => {
      expect(numberAt(epochs, i + 1, 0)).toBe(m.epoch);
      expectClose(numberAt(epochs, i + 1, 1), m.trainLoss as number, `epoch ${m.epoch} train loss`);
      expectClose(percent(i + 1, 2), m.trainAcc as number, `epoch ${m.epoch} train accuracy`);
      expectClose(numberAt(epochs, i + 1, 3), m.testLoss as number, `epoch ${m.epoch} test loss`);
      expectClose(percent(i + 1, 4), m.testAcc as number, `epoch ${m.epoch} test accuracy`);
      expectClose(numberAt(epochs, i + 1, 5), m.lr as number, `epoch ${m.epoch} lr`);
    });
    const ods = await JSZip.loadAsync(await readFile(await convertTo(file, join(dir.path, 'ods'), 'ods')));
    expect(Object.keys(ods.files).filter((name) => /^Object \d+\/content\.xml$/.test(name))).toHaveLength(2);
  });
});

describe('the run queue', () => {
  it('trains one run at a time; others wait in order; queued and running runs can be cancelled', async () => {
    const a = await createRun(service.url, tinyRun({ epochs: 4 }));
    const b = await createRun(service.url, tinyRun({ epochs: 1, seed: 2 }));
    const c = await createRun(service.url, tinyRun({ epochs: 1, seed: 3 }));
    const states = async () => Object.fromEntries((await call<RunListResponse>(service.url, 'GET', '/api/runs')).body.runs.map((r) => [r.id, r.state]));

    await waitFor('run a to train', async () => (await getRun(service.url, a)).progress !== undefined);
    expect(await states()).toMatchObject({ [a]: 'running', [b]: 'queued', [c]: 'queued' });
    expect((await call(service.url, 'GET', '/api/health')).body).toMatchObject({ queued: 2, running: 1 });

    // Cancel a queued run: it never starts.
    const cancelledB = await call<RunView>(service.url, 'POST', `/api/runs/${b}/cancel`);
    expect(cancelledB.status).toBe(200);
    expect(cancelledB.body.state).toBe('cancelled');
    expect(cancelledB.body.startedAt).toBeUndefined();

    // Cancel the running one: it stops at its next batch, keeping the epochs it finished.
    const events = readEvents(service.url, a);
    const cancelledA = await call<RunView>(service.url, 'POST', `/api/runs/${a}/cancel`);
    expect(cancelledA.body.state).toBe('cancelled');
    expect(cancelledA.body.metrics.length).toBeLessThan(4);
    const last = (await events).events.at(-1);
    expect(last?.event).toBe('done');
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({ state: 'cancelled' });

    const again = await call(service.url, 'POST', `/api/runs/${a}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'GS_ERR_RUN_NOT_CANCELLABLE' });
    expect((await call(service.url, 'POST', `/api/runs/${a}/resume`)).body).toMatchObject({ code: 'GS_ERR_RUN_NOT_RESUMABLE' });

    // The queue moves on to c, which finishes; never two running at once.
    await waitFor('run c to finish', async () => {
      const now = await states();
      expect(Object.values(now).filter((state) => state === 'running').length).toBeLessThanOrEqual(1);
      return now[c] === 'done';
    });
    expect(await states()).toMatchObject({ [a]: 'cancelled', [b]: 'cancelled', [c]: 'done' });
    const stored = JSON.parse(await readFile(join(dir.path, 'runs', b, 'run.json'), 'utf8')) as RunView;
    expect(stored).toMatchObject({ id: b, state: 'cancelled' });
  });
});
