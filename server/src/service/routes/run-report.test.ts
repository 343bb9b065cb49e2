import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochMetrics, expectRefusal, testApp, type TestApp } from '../../../test/service-app.js';

/** The run's report as a download, through inject(). What the report holds is checked in LibreOffice by tests/report-xlsx.test.ts. */

const DONE = 'a1b2c3d4-0000-4000-8000-000000000001';

describe('GET /api/runs/:id/report.xlsx', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp({}, [{ id: DONE, state: 'done', createdAt: '2026-01-01T00:00:00.000Z', metrics: [1, 2, 3].map(epochMetrics) }]);
  });
  afterAll(() => service?.close());

  it("answers the run's report as an .xlsx download named by its model and id", async () => {
    const answer = await service.call('GET', `/api/runs/${DONE}/report.xlsx`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="gradsheet-gradsheet-7774-${DONE.slice(0, 8)}.xlsx"`);
    const zip = await JSZip.loadAsync(answer.raw);
    expect(Object.keys(zip.files)).toContain('xl/workbook.xml');
  });

  it('refuses an unknown run with 404 and a malformed id with 400', async () => {
    expectRefusal(await service.call('GET', '/api/runs/0f8fad5b-d9cb-469f-a165-70867728950e/report.xlsx'), 404, 'GS_ERR_UNKNOWN_RUN');
    expectRefusal(await service.call('GET', '/api/runs/nope/report.xlsx'), 400, 'GS_ERR_BAD_RUN_ID');
  });
});
