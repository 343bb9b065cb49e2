import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID, parseModelSpec, summarizeModel, summaryText, type RunView } from '@gradsheet/shared';
import { expectRefusal, testApp, type TestApp } from '../../../test/service-app.js';

/** Designs through the routes: `POST /api/models/check`, and `POST /api/runs` with a `modelSpec` instead of a model id. */

const design = {
  id: 'my-design',
  layers: [{ type: 'Conv2d', filters: 8, kernel: 3 }, { type: 'ReLU' }, { type: 'MaxPool2d', size: 2 }, { type: 'GAP' }, { type: 'Linear', units: 10 }],
};
const settings = { epochs: 1, batchSize: 32, optimizer: 'adam', lr: 0.005, schedule: 'none', seed: 1, limitTrain: 64, limitTest: 50, backend: 'wasm' };

describe('designs over the API', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp();
  });
  afterAll(() => service?.close());

  it('checks a design: its parameters, summary and table, as shared computes them', async () => {
    const answer = await service.call<{ params: number; summary: unknown; text: string }>('POST', '/api/models/check', { body: design });
    expect(answer.status).toBe(200);
    const spec = parseModelSpec(design);
    expect(answer.body).toEqual({ params: summarizeModel(spec).totalParams, summary: JSON.parse(JSON.stringify(summarizeModel(spec))), text: summaryText(spec) });
  });

  it('refuses a design that cannot be built with 400 GS_ERR_INVALID_MODEL, naming the layer', async () => {
    const tooWide = { layers: [{ type: 'Conv2d', filters: 8, kernel: 40 }] };
    expect(expectRefusal(await service.call('POST', '/api/models/check', { body: tooWide }), 400, 'GS_ERR_INVALID_MODEL').message).toMatch(/^The model design cannot be built: layer 1 \(Conv2d\)/);
    expect(expectRefusal(await service.call('POST', '/api/models/check', { body: [1, 2] }), 400, 'GS_ERR_VALIDATION').message).toMatch(/body must be object/);
  });

  it('refuses a model id and a design together, and a batch whose activations pass the bound', async () => {
    const both = expectRefusal(await service.call('POST', '/api/runs', { body: { ...settings, model: DEFAULT_MODEL_ID, modelSpec: design } }), 400, 'GS_ERR_VALIDATION');
    expect(both.message).toBe('Invalid request: give body.model or body.modelSpec, not both');
    const wide = { layers: [{ type: 'Conv2d', filters: 512, kernel: 3, padding: 'same' }, { type: 'GAP' }, { type: 'Linear', units: 10 }] };
    const big = expectRefusal(await service.call('POST', '/api/runs', { body: { ...settings, batchSize: 2048, modelSpec: wide } }), 400, 'GS_ERR_VALIDATION');
    expect(big.message).toMatch(/^Invalid request: body\.batchSize 2048 is too large for design: .*use at most \d/);
    expect((await service.call<{ runs: unknown[] }>('GET', '/api/runs')).body.runs).toEqual([]);
  });

  it('creates a run of a design, and of the default model when the request names none', async () => {
    const created = await service.call<{ id: string }>('POST', '/api/runs', { body: { ...settings, modelSpec: design } });
    expect(created.status).toBe(201);
    expect((await service.call<RunView>('GET', `/api/runs/${created.body.id}`)).body.config).toMatchObject({ model: 'my-design', epochs: 1 });
    const plain = await service.call<{ id: string }>('POST', '/api/runs', { body: settings });
    expect(plain.status).toBe(201);
    expect((await service.call<RunView>('GET', `/api/runs/${plain.body.id}`)).body.config.model).toBe(DEFAULT_MODEL_ID);
  });

  it("shows a design run's layers and its spec as JSON in the run's report", async () => {
    const created = await service.call<{ id: string }>('POST', '/api/runs', { body: { ...settings, modelSpec: design } });
    const answer = await service.call('GET', `/api/runs/${created.body.id}/report.xlsx`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="gradsheet-my-design-${created.body.id.slice(0, 8)}.xlsx"`);
    const zip = await JSZip.loadAsync(answer.raw);
    const strings = (await zip.file('xl/sharedStrings.xml')?.async('string')) ?? '';
    const text = (await Promise.all(Object.keys(zip.files).filter((f) => f.startsWith('xl/worksheets/')).map((f) => zip.file(f)?.async('string')))).join('') + strings;
    expect(text).toContain('Model my-design');
    expect(text).toContain('Spec (JSON)');
    expect(text).toContain(JSON.stringify(parseModelSpec(design)).replace(/"/g, '&quot;'));
  });
});
