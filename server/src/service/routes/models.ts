import type { FastifyPluginAsync } from 'fastify';
import {
  MODEL_ZOO,
  countParams,
  getModel,
  parseModelSpec,
  summarizeModel,
  summaryText,
  type ModelCheckResponse,
  type ModelDetailResponse,
  type ModelListResponse,
} from '@gradsheet/shared';
import { errorResponses } from '../schemas.js';

const modelItem = {
  type: 'object',
  required: ['id', 'title', 'params'],
  properties: { id: { type: 'string' }, title: { type: 'string' }, params: { type: 'integer' } },
} as const;

const summaryRow = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: { type: 'string' },
    layerIndex: { type: 'integer' },
    outputShape: { type: 'array', items: { type: 'integer' } },
    params: { type: 'integer' },
    receptiveField: { type: 'integer' },
  },
} as const;

const summarySchema = {
  type: 'object',
  properties: {
    rows: { type: 'array', items: summaryRow },
    totalParams: { type: 'integer' },
    trainableParams: { type: 'integer' },
    nonTrainableParams: { type: 'integer' },
  },
} as const;

/** The model zoo: what can be trained, with torchsummary-style summaries; and the check of a design. */
export const modelRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/models',
    { schema: { response: { 200: { type: 'object', required: ['models'], properties: { models: { type: 'array', items: modelItem } } }, ...errorResponses() } } },
    async (): Promise<ModelListResponse> => ({
      models: MODEL_ZOO.map((model) => ({ id: model.id, title: model.title, params: countParams(model) })),
    }),
  );

  app.get<{ Params: { modelId: string } }>(
    '/models/:modelId',
    {
      schema: {
        params: {
          type: 'object',
          required: ['modelId'],
          additionalProperties: false,
          properties: { modelId: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['id', 'title', 'params', 'description', 'summary', 'text'],
            properties: {
              ...modelItem.properties,
              description: { type: 'string' },
              summary: summarySchema,
              text: { type: 'string' },
            },
          },
          ...errorResponses(404),
        },
      },
    },
    async (request): Promise<ModelDetailResponse> => {
      const model = getModel(request.params.modelId);
      const summary = summarizeModel(model);
      return { id: model.id, title: model.title, params: summary.totalParams, description: model.description, summary, text: summaryText(model) };
    },
  );

  app.post<{ Body: unknown }>(
    '/models/check',
    {
      schema: {
        body: { type: 'object' },
        response: {
          200: {
            type: 'object',
            required: ['params', 'summary', 'text'],
            properties: { params: { type: 'integer' }, summary: summarySchema, text: { type: 'string' } },
          },
          ...errorResponses(413, 415),
        },
      },
    },
    async (request): Promise<ModelCheckResponse> => {
      // parseModelSpec is the one check of a design: a design it refuses is GS_ERR_INVALID_MODEL naming the layer.
      const spec = parseModelSpec(request.body);
      const summary = summarizeModel(spec);
      return { params: summary.totalParams, summary, text: summaryText(spec) };
    },
  );
};
