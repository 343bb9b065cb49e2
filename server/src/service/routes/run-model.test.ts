import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel, parseModelSpec, type ModelSpec } from '@gradsheet/shared';
import { expectRefusal, testApp, type TestApp } from '../../../test/service-app.js';

/** GET /api/runs/:runId/model through inject(): a built-in model's run, a design's, another learner's and an unknown run. */

const BUILT_IN = 'b1b2c3d4-0000-4000-8000-0000000000b1';
const DESIGN = 'b1b2c3d4-0000-4000-8000-0000000000b2';
const THEIRS = 'b1b2c3d4-0000-4000-8000-0000000000b3';
const UNKNOWN = '0f8fad5b-d9cb-469f-a165-70867728950e';
const at = '2026-01-01T00:00:00.000Z';

const design: ModelSpec = parseModelSpec({ title: 'My small net', layers: [{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'relu' }, { type: 'gap' }, { type: 'dense', units: 10 }] });

let service: TestApp;
const as = (name: string) => ({ authorization: `Bearer ${service.tokens[name]}` });

beforeAll(async () => {
  service = await testApp(
    {},
    [
      { id: BUILT_IN, state: 'done', createdAt: at, owner: 'ada' },
      { id: DESIGN, state: 'done', createdAt: at, owner: 'ada' },
      { id: THEIRS, state: 'done', createdAt: at, owner: 'bea' },
    ],
    [
      { name: 'ada', role: 'learner' },
      { name: 'bea', role: 'learner' },
    ],
  );
  await writeFile(join(service.dataDir, 'runs', DESIGN, 'model.json'), JSON.stringify(design));
});
afterAll(() => service?.close());

describe('GET /api/runs/:runId/model', () => {
  it('answers the model the run’s folder keeps: a built-in model, or the design itself', async () => {
    const builtIn = await service.call<ModelSpec>('GET', `/api/runs/${BUILT_IN}/model`, { headers: as('ada') });
    expect(builtIn.status).toBe(200);
    expect(builtIn.body).toEqual(JSON.parse(JSON.stringify(getModel('gradsheet-7774'))));
    const designed = await service.call<ModelSpec>('GET', `/api/runs/${DESIGN}/model`, { headers: as('ada') });
    expect(designed.status).toBe(200);
    expect(parseModelSpec(designed.body)).toEqual(design);
  });

  it('answers another learner’s run as absent, like an unknown one, and refuses a bad id', async () => {
    expectRefusal(await service.call('GET', `/api/runs/${THEIRS}/model`, { headers: as('ada') }), 404, 'GS_ERR_UNKNOWN_RUN');
    expectRefusal(await service.call('GET', `/api/runs/${UNKNOWN}/model`, { headers: as('ada') }), 404, 'GS_ERR_UNKNOWN_RUN');
    expectRefusal(await service.call('GET', '/api/runs/not-a-run/model', { headers: as('ada') }), 400, 'GS_ERR_BAD_RUN_ID');
  });
});
