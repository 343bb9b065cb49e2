import type { RunEventName } from '@gradsheet/shared';

/** One Server-Sent Event; `id` only on epochs, so Last-Event-ID is always an epoch number. */
export function sseEvent(event: RunEventName, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: keeps proxies and idle timers from closing a quiet stream. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

/** How long a client waits before reconnecting after a drop. */
export const SSE_RETRY = 'retry: 2000\n\n';
