import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKPROP_WORKBOOK_OPTIONS } from '@gradsheet/shared';
import { expectRefusal, testApp, type TestApp } from '../../../test/service-app.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function sheetNames(bytes: Buffer): Promise<string[]> {
  const workbook = (await (await JSZip.loadAsync(bytes)).file('xl/workbook.xml')?.async('string')) ?? '';
  return [...workbook.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1] as string);
}

describe('POST /api/backprop.xlsx', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp();
  });
  afterAll(() => service?.close());

  it('answers the backprop workbook for the parameters given, as a download named by its steps', async () => {
    const answer = await service.call('POST', '/api/backprop.xlsx', { body: { steps: 25, learningRate: 0.8, comparisonLearningRates: [0.3, 3] } });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(XLSX);
    expect(answer.headers['content-disposition']).toBe('attachment; filename="gradsheet-backprop-25-steps.xlsx"');
    expect(await sheetNames(answer.raw)).toEqual(['Parameters', 'Backprop', 'Derivation', 'LR Comparison', 'LR Runs']);
  });

  it('takes an empty object for the defaults', async () => {
    const answer = await service.call('POST', '/api/backprop.xlsx', { body: {} });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="gradsheet-backprop-${DEFAULT_BACKPROP_WORKBOOK_OPTIONS.steps}-steps.xlsx"`);
  });

  it.each([
    [{ steps: 0 }, /body\.steps/],
    [{ steps: 10_001 }, /body\.steps/],
    [{ steps: '5' }, /body\.steps/],
    [{ steps: 2.5 }, /body\.steps/],
    [{ learningRate: 0 }, /body\.learningRate/],
    [{ initialWeights: [1, 2, 3] }, /body\.initialWeights/],
    [{ comparisonLearningRates: [] }, /body\.comparisonLearningRates/],
    [{ inputs: [0, 2e6] }, /body\.inputs/],
    [{ targets: [0.5] }, /body\.targets/],
    [{ colour: 'red' }, /"colour"/],
  ])('refuses %j with 400, naming the field', async (body, field) => {
    expect(expectRefusal(await service.call('POST', '/api/backprop.xlsx', { body }), 400, 'GS_ERR_VALIDATION').message).toMatch(field);
  });

  it('refuses a body that is not JSON with 415', async () => {
    expectRefusal(await service.call('POST', '/api/backprop.xlsx', { body: 'steps=5', headers: { 'content-type': 'text/plain' } }), 415, 'GS_ERR_UNSUPPORTED_MEDIA_TYPE');
  });
});
