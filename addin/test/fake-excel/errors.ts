/** What the fake's objects share: Excel's error, the loaded-property rule, payload sizes and set-only properties. */

/** An error as Office.js raises it at `context.sync()`: a RichApi.Error with Excel's code. */
export class FakeExcelError extends Error {
  override readonly name = 'RichApi.Error';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reading a property that must be loaded before the sync that loads it fails, as in Office.js. */
export function requireLoaded(target: { loaded: boolean }, what: string): void {
  if (!target.loaded) throw new FakeExcelError('PropertyNotLoaded', `${what} was read before context.sync()`);
}

/** The bytes a value adds to a request, as its JSON. */
export const payloadSize = (value: unknown): number => JSON.stringify(value ?? null).length;

/** An object whose properties may only be set, each through its own function. */
export function setters<T extends Record<string, (value: never) => unknown>>(table: T): { [K in keyof T]?: Parameters<T[K]>[0] } {
  const target = {};
  for (const [key, set] of Object.entries(table)) {
    Object.defineProperty(target, key, { set, get: () => undefined, enumerable: true });
  }
  return target as { [K in keyof T]?: Parameters<T[K]>[0] };
}
