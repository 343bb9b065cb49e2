import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochMetrics, expectRefusal, testApp, type TestApp } from '../../../test/service-app.js';

/**
 * The replay of a finished run's event stream, through inject() (a finished run's stream
 * ends by itself). Live streams, drops and reconnections need a socket: tests/service-runs.test.ts.
 */

const DONE = 'a1b2c3d4-0000-4000-8000-000000000001';

/** The stream's events as [event, id] pairs, parsed from the SSE wire format. */
function eventsOf(text: string): [string, string | undefined][] {
  return text
    .split('\n\n')
    .map((block) => Object.fromEntries(block.split('\n').flatMap((line) => (/^(\w+): ?(.*)$/.exec(line) ? [[line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]] : []))))
    .filter((fields) => fields.event !== undefined)
    .map((fields) => [fields.event as string, fields.id]);
}

describe('GET /api/runs/:id/events for a finished run', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp({}, [{ id: DONE, state: 'done', createdAt: '2026-01-01T00:00:00.000Z', metrics: [1, 2, 3].map(epochMetrics) }]);
  });
  afterAll(() => service?.close());

  it('replays its state, every epoch with its number as id, then done, and ends', async () => {
    const answer = await service.call<string>('GET', `/api/runs/${DONE}/events`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(eventsOf(answer.body)).toEqual([
      ['state', undefined],
      ['epoch', '1'],
      ['epoch', '2'],
      ['epoch', '3'],
      ['done', undefined],
    ]);
  });

  it('replays only the epochs after Last-Event-ID, from the header or the query, the header winning', async () => {
    const epochs = async (url: string, headers: Record<string, string> = {}) =>
      eventsOf((await service.call<string>('GET', url, { headers })).body)
        .filter(([event]) => event === 'epoch')
        .map(([, id]) => id);
    expect(await epochs(`/api/runs/${DONE}/events`, { 'last-event-id': '2' })).toEqual(['3']);
    expect(await epochs(`/api/runs/${DONE}/events?lastEventId=1`)).toEqual(['2', '3']);
    expect(await epochs(`/api/runs/${DONE}/events?lastEventId=1`, { 'last-event-id': '2' })).toEqual(['3']);
    expect(await epochs(`/api/runs/${DONE}/events`, { 'last-event-id': '3' })).toEqual([]);
  });

  it('refuses a bad Last-Event-ID or query with 400, and an unknown run with 404', async () => {
    expectRefusal(await service.call('GET', `/api/runs/${DONE}/events?lastEventId=abc`), 400, 'GS_ERR_VALIDATION');
    expectRefusal(await service.call('GET', `/api/runs/${DONE}/events?other=1`), 400, 'GS_ERR_VALIDATION');
    expectRefusal(await service.call('GET', `/api/runs/${DONE}/events`, { headers: { 'last-event-id': '-1' } }), 400, 'GS_ERR_VALIDATION');
    expectRefusal(await service.call('GET', '/api/runs/0f8fad5b-d9cb-469f-a165-70867728950e/events'), 404, 'GS_ERR_UNKNOWN_RUN');
  });
});
