/**
 * The writer's requests as Microsoft's own Office.js library serialises them (the npm
 * package @microsoft/office-js, the code Excel loads), measured instead of estimated:
 * the largest workbook, the backprop plan at 10,000 steps, must fit every request
 * under the 5 MB that Excel on the web takes, in each way a column can be filled.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BACKPROP_WORKBOOK_OPTIONS, buildBackpropWorkbookPlan } from '@gradsheet/shared';
import { measuredContext } from '../../test/office-js-requests.js';
import { fakeOffice } from '../../test/fake-excel/index.js';
import { forgetFillMode, type FillMode } from './fill-mode.js';
import { applyWorkbookPlan, DEFAULT_MAX_REQUEST_BYTES } from './plan-writer.js';

/** "5 MB", read strictly: Microsoft's page on resource limits does not say whether it means 5,000,000 bytes or 5 MiB. */
const EXCEL_WEB_LIMIT = 5_000_000;

beforeEach(() => forgetFillMode());
afterEach(() => vi.unstubAllGlobals());

describe("the writer's requests, measured with Microsoft's Office.js", () => {
  const largest = buildBackpropWorkbookPlan({ ...DEFAULT_BACKPROP_WORKBOOK_OPTIONS, steps: 10_000 });
  const cases: ReadonlyArray<{ mode: FillMode; excelApi: string; fillsFromOneValue: boolean }> = [
    { mode: 'one-value', excelApi: '1.9', fillsFromOneValue: true },
    { mode: 'copy-down', excelApi: '1.9', fillsFromOneValue: false },
    { mode: 'arrays', excelApi: '1.8', fillsFromOneValue: false },
  ];

  for (const { mode, excelApi, fillsFromOneValue } of cases) {
    it(`10,000 backprop steps, filled as "${mode}": every request under Excel on the web's 5 MB, and as the writer estimated it`, async () => {
      const { context, bytes } = measuredContext({ fillsFromOneValue, inferredSeries: 1 });
      // After the library is loaded: it brings an `Office` of its own.
      vi.stubGlobal('Office', fakeOffice(excelApi));
      const result = await applyWorkbookPlan(context, largest);
      expect(result.fillMode).toBe(mode);
      expect(bytes).toHaveLength(result.syncs);
      expect(Math.max(...bytes)).toBeLessThan(EXCEL_WEB_LIMIT);
      // The write requests, between the checks (one, or three with the question of how Excel fills) and the last request.
      const writes = bytes.slice(bytes.length - 1 - result.requestBytes.length, -1);
      expect(writes).toHaveLength(result.requestBytes.length);
      writes.forEach((measured, index) => {
        const estimated = result.requestBytes[index] ?? 0;
        // The estimate is close to the measure, so the budget keeps every request clear of the limit.
        expect(measured / estimated, `request ${index + 1}`).toBeLessThan(1.05);
        expect(estimated).toBeLessThanOrEqual(DEFAULT_MAX_REQUEST_BYTES);
      });
      if (mode === 'arrays') expect(result.requestBytes.length).toBeGreaterThan(10);
      else expect(result.requestBytes).toHaveLength(1);
    });
  }
});
