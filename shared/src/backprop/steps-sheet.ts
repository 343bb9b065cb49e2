import type { CellBlock, FormulaFill, PlanCell, SheetPlan } from '../workbook/plan.js';
import type { StepRecord } from './engine.js';
import { SHEET_NAMES } from './names.js';
import { STEP_COL, STEP_COLUMNS, STEP_FIRST_ROW } from './step-table.js';
import { STYLE } from './styles.js';

export interface StepsSheetOptions {
  /**
   * `formulas` (the default) fills every quantity with its live formula. `blank`
   * makes an exercise: only the step numbers and the step-0 weights are given,
   * and every other cell is left empty, unlocked and styled as an answer cell.
   */
  readonly answers?: 'formulas' | 'blank';
}

/**
 * The Backprop sheet: one row per step. Every quantity is a formula filled down its
 * column; the weights of step 0 read the initial weights, later rows update the
 * row above.
 */
export function stepsSheet(records: readonly StepRecord[], options: StepsSheetOptions = {}): SheetPlan {
  const first = records[0] as StepRecord;
  const fills: FormulaFill[] = [];
  STEP_COLUMNS.forEach((column, col) => {
    if (options.answers === 'blank') return;
    const formula = column.formulaR1C1;
    if (!formula) return;
    const isWeight = col >= STEP_COL.weight(1) && col <= STEP_COL.weight(8);
    // Weights of step 0 are written as cells below; their fill starts one row lower.
    const from = isWeight ? 1 : 0;
    if (records.length > from) {
      fills.push({
        origin: { row: STEP_FIRST_ROW + from, col },
        formulaR1C1: formula(false),
        results: records.slice(from).map(column.value),
      });
    }
  });
  const initialWeights: PlanCell[] = STEP_COLUMNS.slice(STEP_COL.weight(1), STEP_COL.weight(8) + 1).map((column) => ({
    formula: (column.formulaR1C1 as (first: boolean) => string)(true),
    result: column.value(first),
  }));
  return {
    name: SHEET_NAMES.steps,
    frozen: { rows: 1, columns: 1 },
    columnWidths: STEP_COLUMNS.map((c, col) => ({ col, width: Math.max(12, c.header.length + 2) })),
    protect: true,
    ...(options.answers === 'blank' ? { allowInsertingRowsAndColumns: true } : {}),
    blocks: [
      { origin: { row: 0, col: 0 }, rows: [STEP_COLUMNS.map((c): PlanCell => ({ value: c.header, style: STYLE.header }))] },
      { origin: { row: STEP_FIRST_ROW, col: STEP_COL.step }, rows: records.map((r): PlanCell[] => [{ value: r.step }]) },
      { origin: { row: STEP_FIRST_ROW, col: STEP_COL.weight(1) }, rows: [initialWeights] },
      ...(options.answers === 'blank' ? answerBlocks(records.length) : []),
    ],
    fills,
    charts: [],
  };
}

/** Empty answer cells: every quantity of step 0 after its weights, then whole rows from step 1 on. */
function answerBlocks(steps: number): CellBlock[] {
  const firstComputed = STEP_COL.weight(8) + 1;
  const width = (from: number) => STEP_COLUMNS.length - from;
  const styles = (from: number) => Array.from({ length: width(from) }, () => STYLE.answer);
  const emptyRows = (count: number, from: number) => Array.from({ length: count }, () => Array.from({ length: width(from) }, () => null));
  const blocks: CellBlock[] = [{ origin: { row: STEP_FIRST_ROW, col: firstComputed }, rows: emptyRows(1, firstComputed), columnStyles: styles(firstComputed) }];
  if (steps > 1) {
    const from = STEP_COL.weight(1);
    blocks.push({ origin: { row: STEP_FIRST_ROW + 1, col: from }, rows: emptyRows(steps - 1, from), columnStyles: styles(from) });
  }
  return blocks;
}
