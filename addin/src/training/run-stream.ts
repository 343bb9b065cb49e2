import { errorCodeOf, GradSheetError, RUN_EVENTS, type RunDoneEvent, type RunEpochEvent, type RunProgressEvent, type RunStateEvent } from '@gradsheet/shared';
import { service } from '../service/client.js';

export interface RunStreamHandlers {
  epoch(metrics: RunEpochEvent): void;
  progress(progress: RunProgressEvent): void;
  state(state: RunStateEvent): void;
  done(done: RunDoneEvent): void;
  /** The connection dropped; `retrying` says whether the stream is reconnecting by itself. */
  lost(retrying: boolean): void;
}

export interface RunStream {
  close(): void;
}

/** How long to wait before reconnecting until the service says otherwise (`retry:`), as EventSource does. */
const DEFAULT_RETRY_MS = 3_000;

/** One event of the Server-Sent Events wire format. */
interface WireEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Reads the Server-Sent Events wire format as it arrives: calls `onEvent` for each
 * event, and tells `onId` and `onRetry` of the fields that set the last event id and
 * the reconnection delay. Lines may end in \n, \r\n or \r; comments are skipped.
 */
async function readEvents(body: ReadableStream<Uint8Array>, on: { event(e: WireEvent): void; id(id: string): void; retry(ms: number): void }): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) on.event({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) on.id(value);
    else if (field === 'retry' && /^\d+$/.test(value)) on.retry(Number(value));
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: RegExpExecArray | null;
    // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
    while ((end = /\r\n|\n|\r(?=[^\n])/.exec(buffer)) !== null) {
      line(buffer.slice(0, end.index));
      buffer = buffer.slice(end.index + end[0].length);
    }
  }
}

/**
 * A run's Server-Sent Events, read through fetch so that the request carries the
 * pane's token (EventSource cannot send headers). It behaves as EventSource does:
 * the first connection says in the query which epochs the sheet already holds; when
 * the connection drops it reconnects after the service's `retry:` delay, sending
 * Last-Event-ID (the last epoch it received), which the service prefers. An answer
 * other than 200 (the run is gone, say) ends it for good.
 */
export function openRunStream(url: string, handlers: RunStreamHandlers): RunStream {
  const abort = new AbortController();
  let lastEventId: string | null = null;
  let retryMs = DEFAULT_RETRY_MS;
  let closed = false;
  const close = () => {
    closed = true;
    abort.abort();
  };

  const dispatch = ({ event, data }: WireEvent) => {
    const parsed = JSON.parse(data) as unknown;
    switch (event) {
      case RUN_EVENTS.epoch:
        return handlers.epoch(parsed as RunEpochEvent);
      case RUN_EVENTS.progress:
        return handlers.progress(parsed as RunProgressEvent);
      case RUN_EVENTS.state:
        return handlers.state(parsed as RunStateEvent);
      case RUN_EVENTS.done:
        // The service ends the stream after `done`; closing first keeps it from reconnecting.
        close();
        return handlers.done(parsed as RunDoneEvent);
    }
  };

  void (async () => {
    while (!closed) {
      try {
        const response = await service.events(url, lastEventId, abort.signal);
        // A stream the browser cannot read: unreachable, as far as the pane can tell, so it reconnects.
        if (!response.body) throw new GradSheetError('SERVICE_UNREACHABLE', 'the event stream has no body');
        await readEvents(response.body, { event: (e) => !closed && dispatch(e), id: (id) => (lastEventId = id), retry: (ms) => (retryMs = ms) });
      } catch (error) {
        if (closed) return;
        // The service answered, and not with a stream: reconnecting would get the same answer.
        if (errorCodeOf(error) === 'SERVICE_REFUSED') {
          closed = true;
          handlers.lost(false);
          return;
        }
      }
      if (closed) return;
      handlers.lost(true);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  })();

  return { close };
}
