import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_ZOO, countParams, summarizeModel } from '@gradsheet/shared';
import { expectRefusal, testApp, type TestApp } from '../../../test/service-app.js';

describe('the model routes', () => {
  let service: TestApp;
  beforeAll(async () => {
    service = await testApp();
  });
  afterAll(() => service?.close());

  it('lists the zoo, in order, with each model’s parameter count', async () => {
    const answer = await service.call<{ models: { id: string; title: string; params: number }[] }>('GET', '/api/models');
    expect(answer.status).toBe(200);
    expect(answer.body.models).toEqual(MODEL_ZOO.map((m) => ({ id: m.id, title: m.title, params: countParams(m) })));
  });

  it('answers each model with its summary, the same as shared’s', async () => {
    for (const model of MODEL_ZOO) {
      const answer = await service.call<{ params: number; summary: unknown; text: string; description: string }>('GET', `/api/models/${model.id}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id: model.id, title: model.title, params: countParams(model), description: model.description });
      expect(answer.body.summary).toEqual(JSON.parse(JSON.stringify(summarizeModel(model))));
      expect(answer.body.text).toMatch(new RegExp(`Total params: ${countParams(model).toLocaleString('en-US')}`));
    }
  });

  it('refuses an unknown model with 404, naming the known ones, and an overlong id with 400', async () => {
    const { message } = expectRefusal(await service.call('GET', '/api/models/resnet-152'), 404, 'GS_ERR_UNKNOWN_MODEL');
    expect(message).toMatch(/"resnet-152"/);
    for (const model of MODEL_ZOO) expect(message).toContain(model.id);
    expectRefusal(await service.call('GET', `/api/models/${'m'.repeat(65)}`), 400, 'GS_ERR_VALIDATION');
  });
});
