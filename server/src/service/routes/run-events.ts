import type { FastifyPluginAsync } from 'fastify';
import { FINAL_RUN_STATES, RUN_EVENTS, type RunDoneEvent } from '@gradsheet/shared';
import type { RunEvent, RunManager } from '../run-manager.js';
import { errorResponses, runIdParams } from '../schemas.js';
import { SSE_HEARTBEAT, SSE_RETRY, sseEvent } from '../sse.js';

export interface RunEventsOptions {
  readonly runs: RunManager;
  readonly heartbeatMs: number;
}

/**
 * `GET /api/runs/:runId/events`: the run as Server-Sent Events. On connect: the
 * current state, then every epoch after Last-Event-ID read back from
 * metrics.jsonl, then live events. Epochs are sent in order and never twice.
 */
export const runEventRoutes: FastifyPluginAsync<RunEventsOptions> = async (app, { runs, heartbeatMs }) => {
  const open = new Set<() => void>();
  // Open streams would hold a shutdown forever; end them first.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get<{ Params: { runId: string }; Headers: { 'last-event-id'?: string }; Querystring: { lastEventId?: string } }>(
    '/runs/:runId/events',
    {
      // A HEAD request would hold a stream open with nothing to send.
      exposeHeadRoute: false,
      schema: {
        params: runIdParams,
        headers: { type: 'object', properties: { 'last-event-id': { type: 'string', pattern: '^[0-9]{1,6}$' } } },
        // A browser's EventSource cannot set Last-Event-ID on its first connection (only on its own reconnects),
        // so a page that reloads says where it stands in the query; the header, when sent, is newer and wins.
        querystring: { type: 'object', additionalProperties: false, properties: { lastEventId: { type: 'string', pattern: '^[0-9]{1,6}$' } } },
        response: errorResponses(404),
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      // Read before the hijack: an unknown run is answered as an error, not as a stream.
      const now = runs.view(runId);
      let lastEpoch = Number(request.headers['last-event-id'] ?? request.query.lastEventId ?? 0);

      reply.hijack();
      const raw = reply.raw;
      // Headers set by hooks (CORS) would be lost with the hijack; carry them over.
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) raw.setHeader(name, value);
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(SSE_RETRY);

      let ended = false;
      let replayed = false;
      const pending: RunEvent[] = [];
      // Subscribe before reading the file: an epoch announced meanwhile waits in `pending`.
      const unsubscribe = runs.subscribe(runId, (event) => (replayed ? send(event) : pending.push(event)));
      const heartbeat = setInterval(() => raw.write(SSE_HEARTBEAT), heartbeatMs);
      const end = (): void => {
        if (ended) return;
        ended = true;
        unsubscribe();
        clearInterval(heartbeat);
        open.delete(end);
        raw.end();
      };
      const send = (event: RunEvent): void => {
        if (ended) return;
        switch (event.type) {
          case 'epoch':
            if (event.metrics.epoch <= lastEpoch) return;
            lastEpoch = event.metrics.epoch;
            raw.write(sseEvent(RUN_EVENTS.epoch, event.metrics, event.metrics.epoch));
            return;
          case 'progress':
            raw.write(sseEvent(RUN_EVENTS.progress, event.progress));
            return;
          case 'state':
            raw.write(sseEvent(RUN_EVENTS.state, event.state));
            return;
          case 'done':
            raw.write(sseEvent(RUN_EVENTS.done, event.done));
            end();
        }
      };
      open.add(end);
      raw.on('close', end);

      send({ type: 'state', state: { id: runId, state: now.state, at: now.updatedAt, ...(now.error !== undefined ? { error: now.error } : {}) } });
      try {
        for (const metrics of await runs.folder(runId).readMetrics()) send({ type: 'epoch', metrics });
      } catch (error) {
        request.log.error({ err: error, runId }, 'cannot replay metrics');
        end();
        return;
      }
      replayed = true;
      for (const event of pending.splice(0)) send(event);

      // A run that had already finished: everything is replayed, so close with `done`.
      const run = runs.view(runId);
      if (!ended && FINAL_RUN_STATES.includes(run.state)) {
        const done: RunDoneEvent = {
          id: runId,
          state: run.state as RunDoneEvent['state'],
          epochs: run.metrics.length,
          ...(run.error !== undefined ? { error: run.error } : {}),
        };
        send({ type: 'done', done });
      }
    },
  );
};
