import type { FastifyPluginAsync } from 'fastify';
import {
  DEFAULT_BACKPROP_WORKBOOK_OPTIONS as DEFAULTS,
  GradSheetError,
  MAX_ABS_PARAMETER,
  MAX_COMPARISON_LEARNING_RATES,
  MAX_STEPS,
  validateBackpropOptions,
  type BackpropWorkbookOptions,
  type Pair,
  type Weights,
} from '@gradsheet/shared';
import { backpropXlsx } from '../../xlsx/backprop-xlsx.js';
import { SERVICE_ERRORS } from '../errors.js';
import { errorResponses } from '../schemas.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const value = { type: 'number', minimum: -MAX_ABS_PARAMETER, maximum: MAX_ABS_PARAMETER } as const;
const rate = { type: 'number', exclusiveMinimum: 0, maximum: MAX_ABS_PARAMETER } as const;
const list = (items: object, min: number, max: number) => ({ type: 'array', items, minItems: min, maxItems: max }) as const;

/** The CLI's `gradsheet backprop` flags as JSON; every field may be left out for its default. */
export interface BackpropWorkbookRequest {
  readonly steps?: number;
  readonly learningRate?: number;
  readonly comparisonLearningRates?: readonly number[];
  readonly inputs?: readonly number[];
  readonly targets?: readonly number[];
  readonly initialWeights?: readonly number[];
}

export const backpropWorkbookBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    steps: { type: 'integer', minimum: 1, maximum: MAX_STEPS },
    learningRate: rate,
    comparisonLearningRates: list(rate, 1, MAX_COMPARISON_LEARNING_RATES),
    inputs: list(value, 2, 2),
    targets: list(value, 2, 2),
    initialWeights: list(value, 8, 8),
  },
} as const;

/**
 * `POST /api/backprop.xlsx`: the backprop workbook for the given parameters, written
 * by the same code as `gradsheet backprop`. The task pane offers it for download when
 * it runs in a browser rather than in Excel.
 */
export const backpropWorkbookRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Body: BackpropWorkbookRequest }>(
    '/backprop.xlsx',
    { schema: { body: backpropWorkbookBody, response: errorResponses(413, 415) } },
    async (request, reply) => {
      const body = request.body ?? {};
      let options: BackpropWorkbookOptions;
      try {
        options = validateBackpropOptions({
          steps: body.steps ?? DEFAULTS.steps,
          learningRate: body.learningRate ?? DEFAULTS.learningRate,
          comparisonLearningRates: body.comparisonLearningRates ?? DEFAULTS.comparisonLearningRates,
          inputs: (body.inputs ?? DEFAULTS.inputs) as Pair,
          targets: (body.targets ?? DEFAULTS.targets) as Pair,
          initialWeights: (body.initialWeights ?? DEFAULTS.initialWeights) as Weights,
        });
      } catch (error) {
        if (error instanceof GradSheetError) throw new SERVICE_ERRORS.GS_ERR_INVALID_WORKBOOK(error.message);
        throw error;
      }
      const bytes = await backpropXlsx(options);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="gradsheet-backprop-${options.steps}-steps.xlsx"`).send(bytes);
    },
  );
};
