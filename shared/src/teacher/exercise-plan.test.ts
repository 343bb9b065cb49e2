import { describe, expect, it } from 'vitest';
import { runBackprop } from '../backprop/engine.js';
import { SHEET_NAMES } from '../backprop/names.js';
import { BACKPROP_STYLES, STYLE } from '../backprop/styles.js';
import type { PlanCell } from '../workbook/plan.js';
import { answerCells, columnOf, headerOf } from './answers.js';
import { buildExercisePlan, STUDENT_LABELS } from './exercise-plan.js';
import { rosterParameters } from './student-parameters.js';

const parameters = rosterParameters(11, ['s01']).get('s01')!;
const STEPS = 6;
const plan = buildExercisePlan({ id: 's01', name: 'Ada Lovelace' }, parameters, STEPS);

function allCells(): { sheet: string; row: number; col: number; cell: PlanCell; style: string | undefined }[] {
  return plan.sheets.flatMap((sheet) =>
    sheet.blocks.flatMap((block) =>
      block.rows.flatMap((cells, r) =>
        cells.map((cell, c) => ({ sheet: sheet.name, row: block.origin.row + r, col: block.origin.col + c, cell, style: cell?.style ?? block.columnStyles?.[c] })),
      ),
    ),
  );
}

describe('buildExercisePlan', () => {
  it('stores no expected value anywhere: no fills and no number or cached result equal to an answer', () => {
    const records = runBackprop(parameters.initialWeights, parameters.inputs, parameters.targets, parameters.learningRate, STEPS);
    const answers = new Set<number>();
    for (const r of records) {
      [r.h1, r.aH1, r.h2, r.aH2, r.o1, r.aO1, r.o2, r.aO2, r.e1, r.e2, r.eTotal, ...r.gradients].forEach((x) => answers.add(x));
      if (r.step > 0) r.weights.forEach((x) => answers.add(x));
    }
    expect(plan.sheets.flatMap((s) => s.fills ?? [])).toEqual([]);
    const stored = allCells().flatMap(({ cell }) => (cell === null ? [] : ['value' in cell ? cell.value : cell.result]));
    expect(stored.filter((x) => typeof x === 'number' && answers.has(x))).toEqual([]);
  });

  it('leaves exactly the answer cells empty, unlocked and styled as answers, on locked sheets', () => {
    expect(BACKPROP_STYLES[STYLE.answer]?.locked).toBe(false);
    const answerCellsInPlan = allCells().filter((c) => c.style === STYLE.answer);
    expect(answerCellsInPlan.every((c) => c.cell === null && c.sheet === SHEET_NAMES.steps)).toBe(true);
    const expected = answerCells(STEPS).map((a) => `${a.step + 1}:${columnOf(a.quantity)}`).sort();
    expect(answerCellsInPlan.map((c) => `${c.row}:${c.col}`).sort()).toEqual(expected);
    expect(plan.sheets.every((s) => s.protect)).toBe(true);
    expect(plan.lockStructure).toBe(true);
    const unlockedStyles = Object.entries(plan.styles).filter(([, s]) => s.locked === false).map(([id]) => id);
    expect(allCells().filter((c) => c.style !== undefined && unlockedStyles.includes(c.style)).length).toBe(answerCellsInPlan.length);
  });

  it('names the student and shows the parameters, and heads the answer columns with the labels grading looks for', () => {
    const texts = allCells().flatMap(({ cell }) => (cell && 'value' in cell ? [cell.value] : []));
    expect(texts).toContain(STUDENT_LABELS.id);
    expect(texts).toContain('s01');
    expect(texts).toContain('Ada Lovelace');
    for (const x of [...parameters.inputs, ...parameters.targets, ...parameters.initialWeights]) expect(texts).toContain(x);
    expect(texts).toContain(headerOf('dw8'));
    const chart = plan.sheets.find((s) => s.name === SHEET_NAMES.parameters)!.charts[0]!;
    expect(chart.series[0]!.values.end.row - chart.series[0]!.values.start.row + 1).toBe(STEPS);
  });

  it('refuses step counts out of range', () => {
    expect(() => buildExercisePlan({ id: 'x', name: 'x' }, parameters, 1)).toThrow(/steps must be a whole number from 2 to 100/);
    expect(() => buildExercisePlan({ id: 'x', name: 'x' }, parameters, 101)).toThrow(/steps/);
  });
});
