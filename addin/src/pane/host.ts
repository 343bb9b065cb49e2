import type { ExcelRun } from '../training/excel-epoch-sink.js';
import type { RunMemory } from '../training/run-memory.js';

/** Where the pane runs: inside Excel with the API it needs, inside an Excel too old, or in a plain browser. */
export type PaneHost =
  | { readonly kind: 'excel'; readonly run: ExcelRun; readonly memory: RunMemory }
  | { readonly kind: 'excel-too-old' }
  | { readonly kind: 'browser' };
