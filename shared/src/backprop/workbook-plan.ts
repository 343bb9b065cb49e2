import type { WorkbookPlan } from '../workbook/plan.js';
import { validatePlan } from '../workbook/validate.js';
import { comparisonRuns, comparisonRunsSheet, comparisonSheet } from './comparison-sheets.js';
import { derivationSheet } from './derivation-sheet.js';
import { runBackprop } from './engine.js';
import { parameterNames, parametersSheet } from './parameters-sheet.js';
import type { BackpropWorkbookOptions } from './parameters.js';
import { stepsSheet } from './steps-sheet.js';
import { BACKPROP_STYLES } from './styles.js';

/**
 * The whole backprop workbook as a plan: Parameters, Backprop (one row per step),
 * Derivation, LR Comparison and LR Runs. Every formula cell carries the float64
 * engine's result as its cached value. The options are checked where they come in
 * (parseBackpropWorkbookRequest, at the CLI, the service and the pane), not again here.
 */
export function buildBackpropWorkbookPlan(options: BackpropWorkbookOptions): WorkbookPlan {
  const records = runBackprop(options.initialWeights, options.inputs, options.targets, options.learningRate, options.steps);
  const runs = comparisonRuns(options);
  return validatePlan({
    title: 'GradSheet backpropagation workbook',
    styles: BACKPROP_STYLES,
    names: parameterNames(),
    sheets: [
      parametersSheet(options, records),
      stepsSheet(records),
      derivationSheet(options, records),
      comparisonSheet(options, runs),
      comparisonRunsSheet(options, runs),
    ],
  });
}
