import { RUN_EVENTS, type RunDoneEvent, type RunEpochEvent, type RunProgressEvent, type RunStateEvent } from '@gradsheet/shared';

export interface RunStreamHandlers {
  epoch(metrics: RunEpochEvent): void;
  progress(progress: RunProgressEvent): void;
  state(state: RunStateEvent): void;
  done(done: RunDoneEvent): void;
  /** The connection dropped; `retrying` says whether the browser is reconnecting by itself. */
  lost(retrying: boolean): void;
}

export interface RunStream {
  close(): void;
}

/**
 * A run's Server-Sent Events through the browser's EventSource. The first connection
 * says in the query which epochs the sheet already holds; on its own reconnects the
 * browser sends Last-Event-ID, which the service prefers.
 */
export function openRunStream(url: string, handlers: RunStreamHandlers): RunStream {
  const source = new EventSource(url);
  const on = <T>(event: string, handle: (data: T) => void) =>
    source.addEventListener(event, (message) => handle(JSON.parse((message as MessageEvent<string>).data) as T));
  on<RunEpochEvent>(RUN_EVENTS.epoch, handlers.epoch);
  on<RunProgressEvent>(RUN_EVENTS.progress, handlers.progress);
  on<RunStateEvent>(RUN_EVENTS.state, handlers.state);
  on<RunDoneEvent>(RUN_EVENTS.done, (done) => {
    // The service ends the stream after `done`; without close() the browser would reconnect.
    source.close();
    handlers.done(done);
  });
  source.onerror = () => handlers.lost(source.readyState === EventSource.CONNECTING);
  return { close: () => source.close() };
}
