import { createRequire } from 'node:module';

/** Whether an optional package resolves from here: the backend tests run or skip by it. */
export function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
