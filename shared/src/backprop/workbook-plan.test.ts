import { describe, expect, it } from 'vitest';
import type { FormulaFill, SheetPlan, WorkbookPlan } from '../workbook/plan.js';
import { r1c1ToA1 } from '../workbook/r1c1.js';
import { definedNameProblem } from '../workbook/validate.js';
import { runBackprop } from './engine.js';
import { SHEET_NAMES } from './names.js';
import { DEFAULT_BACKPROP_WORKBOOK_OPTIONS as D } from './parameters.js';
import { STEP_COL, STEP_COLUMNS } from './step-table.js';
import { buildBackpropWorkbookPlan } from './workbook-plan.js';

const sheet = (plan: WorkbookPlan, name: string): SheetPlan => {
  const found = plan.sheets.find((s) => s.name === name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
};
const fillAt = (s: SheetPlan, col: number): FormulaFill => {
  const fill = (s.fills ?? []).find((f) => f.origin.col === col);
  if (!fill) throw new Error(`no fill in column ${col}`);
  return fill;
};

describe('the backprop workbook plan', () => {
  const options = { ...D, steps: 12, learningRate: 0.8, comparisonLearningRates: [0.1, 2] };
  const plan = buildBackpropWorkbookPlan(options);
  const records = runBackprop(D.initialWeights, D.inputs, D.targets, 0.8, 12);

  it('has the five sheets in teaching order', () => {
    expect(plan.sheets.map((s) => s.name)).toEqual(['Parameters', 'Backprop', 'Derivation', 'LR Comparison', 'LR Runs']);
  });

  it('names every parameter cell with a name that is not a cell address, on the unlocked input cells', () => {
    expect(plan.names).toHaveLength(13);
    for (const { name, refersTo } of plan.names) {
      expect(definedNameProblem(name)).toBeNull();
      expect(refersTo.sheet).toBe(SHEET_NAMES.parameters);
      const block = sheet(plan, SHEET_NAMES.parameters).blocks.find(
        (b) => b.origin.row <= refersTo.start.row && refersTo.start.row < b.origin.row + b.rows.length,
      );
      const cell = block?.rows[refersTo.start.row - block.origin.row]?.[refersTo.start.col - block.origin.col];
      expect(cell && cell.style).toBe('input');
      expect(plan.styles.input?.locked).toBe(false);
    }
  });

  it('makes every quantity of every step a formula that refers to its own row, and weights to the row above', () => {
    const steps = sheet(plan, SHEET_NAMES.steps);
    expect(steps.fills).toHaveLength(STEP_COLUMNS.length - 1);
    expect(r1c1ToA1(fillAt(steps, STEP_COL.weight(1)).formulaR1C1, { row: 5, col: 1 })).toBe('B5-LearningRate*U5');
    expect(r1c1ToA1(fillAt(steps, STEP_COL.h1).formulaR1C1, { row: 5, col: 9 })).toBe('B6*Input_i1+C6*Input_i2');
    expect(r1c1ToA1(fillAt(steps, STEP_COL.gradient(5)).formulaR1C1, { row: 1, col: 24 })).toBe('(O2-Target_t1)*O2*(1-O2)*K2');
    expect(r1c1ToA1(fillAt(steps, STEP_COL.gradient(1)).formulaR1C1, { row: 1, col: 20 })).toBe(
      '((O2-Target_t1)*O2*(1-O2)*F2+(Q2-Target_t2)*Q2*(1-Q2)*H2)*K2*(1-K2)*Input_i1',
    );
  });

  it('caches the float64 engine result in every formula cell of the step table', () => {
    const steps = sheet(plan, SHEET_NAMES.steps);
    expect(fillAt(steps, STEP_COL.eTotal).results).toEqual(records.map((r) => r.eTotal));
    expect(fillAt(steps, STEP_COL.weight(3)).results).toEqual(records.slice(1).map((r) => r.weights[2]));
    expect(fillAt(steps, STEP_COL.gradient(8)).results).toEqual(records.map((r) => r.gradients[7]));
  });

  it('lays out LR Comparison as the contract says: header of η values, step from 0, E_total per η', () => {
    const comparison = sheet(plan, SHEET_NAMES.comparison);
    const header = comparison.blocks[0]?.rows[0]?.map((c) => (c && 'value' in c ? c.value : undefined));
    expect(header).toEqual(['Step', 0.1, 2]);
    const stepBlock = comparison.blocks[1];
    expect(stepBlock?.origin).toEqual({ row: 1, col: 0 });
    expect(stepBlock?.rows.map((r) => (r[0] && 'value' in r[0] ? r[0].value : null))).toEqual([...Array(12).keys()]);
    const fast = runBackprop(D.initialWeights, D.inputs, D.targets, 2, 12);
    expect(fillAt(comparison, 2).results).toEqual(fast.map((r) => r.eTotal));
    expect(comparison.charts[0]?.series).toHaveLength(2);
  });

  it('trains each compared η with its own live η cell', () => {
    const runs = sheet(plan, SHEET_NAMES.comparisonRuns);
    const secondBlockW1 = fillAt(runs, 14);
    expect(secondBlockW1.formulaR1C1).toContain("'LR Comparison'!R1C3");
    expect(secondBlockW1.origin.row).toBe(3);
  });

  it('states each chain-rule step beside the formula that implements it', () => {
    const derivation = sheet(plan, SHEET_NAMES.derivation);
    const lines = derivation.blocks[1]?.rows ?? [];
    const w5 = lines.find((r) => r[0] && 'value' in r[0] && r[0].value === '∂E_total/∂w5');
    expect(w5?.[1] && 'value' in w5[1] ? w5[1].value : '').toContain('∂E1/∂a_o1 · ∂a_o1/∂o1 · ∂o1/∂w5');
    expect(w5?.[3] && 'value' in w5[3] ? w5[3].value : '').toBe('=(O2-Target_t1)*O2*(1-O2)*K2');
    expect(w5?.[4] && 'formula' in w5[4] ? w5[4].result : NaN).toBe(records[0]?.gradients[4]);
  });

  it('draws E_total against step, and one series per η', () => {
    const chart = sheet(plan, SHEET_NAMES.parameters).charts[0];
    expect(chart?.series[0]?.values).toEqual({ sheet: 'Backprop', start: { row: 1, col: 19 }, end: { row: 12, col: 19 } });
  });
});
