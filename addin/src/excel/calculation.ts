/**
 * Excel's calculation mode, as the writers meet it. With Formulas > Calculation Options
 * set to Manual, formulas written through the API stay uncomputed until the learner
 * presses F9, and a workbook that teaches by recalculating would look dead. The writers
 * load the mode in a sync they make anyway and, when it is manual, ask for one full
 * recalculation after writing; the pane then says plainly that each change needs F9.
 */

/** `automatic`: Excel recalculates by itself. `recalculated`: the mode is manual; GradSheet recalculated once. */
export type CalculationOutcome = 'automatic' | 'recalculated';

/** Queues the load of the calculation mode; read it after the next sync. */
export function loadCalculationMode(context: Excel.RequestContext): Excel.Application {
  return context.application.load('calculationMode');
}

/** After the sync that loaded `application`: queues a full recalculation when the mode is manual (ExcelApi 1.1). */
export function recalculateIfManual(context: Excel.RequestContext, application: Excel.Application): CalculationOutcome {
  if (application.calculationMode !== 'Manual') return 'automatic';
  context.application.calculate('Full');
  return 'recalculated';
}

/** What the learner needs to know about a workbook written while calculation is manual. */
export const MANUAL_CALCULATION_NOTE =
  'Excel’s calculation is set to manual, so GradSheet recalculated the workbook once. After each change, press F9 (Formulas > Calculate Now) to see it recalculate.';

/** The sentence to add after a build: empty unless the calculation mode is manual. */
export function calculationNote(outcome: CalculationOutcome): string {
  return outcome === 'recalculated' ? MANUAL_CALCULATION_NOTE : '';
}
