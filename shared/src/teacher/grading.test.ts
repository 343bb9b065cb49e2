import { describe, expect, it } from 'vitest';
import { runBackprop, sigmoid, type StepRecord } from '../backprop/engine.js';
import { DEFAULT_BACKPROP_PARAMETERS as P } from '../backprop/parameters.js';
import { answerCells, answerKey, type AnswerCell } from './answers.js';
import { gradeSubmission, isRealFormula, type SubmittedCell } from './grading.js';

const STEPS = 4;
const truth = runBackprop(P.initialWeights, P.inputs, P.targets, P.learningRate, STEPS);

function valueOf(record: StepRecord, cell: AnswerCell): number {
  const q = cell.quantity;
  if (/^w\d$/.test(q)) return record.weights[Number(q.slice(1)) - 1]!;
  if (q.startsWith('dw')) return record.gradients[Number(q.slice(2)) - 1]!;
  return record[q as 'h1'];
}

/** A submission whose every cell holds the engine's value as a formula result, with `change` applied. */
function submission(change: (cell: AnswerCell, value: number) => SubmittedCell | undefined = (_, value) => ({ value, formula: 'B2*Input_i1' })) {
  const cells = new Map<string, SubmittedCell>();
  for (const cell of answerCells(STEPS)) {
    const got = change(cell, valueOf(truth[cell.step]!, cell));
    if (got) cells.set(answerKey(cell), got);
  }
  return { parameters: P, cells };
}

describe('gradeSubmission', () => {
  const total = answerCells(STEPS).length;

  it('gives every point to a submission of correct formulas', () => {
    const grade = gradeSubmission(submission(), { steps: STEPS });
    expect(total).toBe(19 + 27 * (STEPS - 1));
    expect(grade.outOf).toBe(total);
    expect(grade.points).toBe(total);
    expect(grade.counts.correct).toBe(total);
  });

  it('flags typed numbers, including formulas without a reference, and gives them nothing', () => {
    const typed = new Set(['0:h1', '2:eTotal']);
    const grade = gradeSubmission(
      submission((cell, value) => {
        const key = answerKey(cell);
        if (key === '0:h1') return { value, formula: null };
        if (key === '2:eTotal') return { value, formula: String(value) };
        return { value, formula: 'R[-1]C' };
      }),
      { steps: STEPS },
    );
    expect(grade.counts.typed).toBe(2);
    expect(grade.cells.filter((c) => c.verdict === 'typed').map((c) => answerKey(c.cell)).sort()).toEqual([...typed].sort());
    expect(grade.points).toBe(total - 2);
  });

  it('carries an error forward: a cell right from the wrong cell above it scores', () => {
    const wrongH1 = truth[0]!.h1 + 0.1;
    const grade = gradeSubmission(
      submission((cell, value) => {
        if (answerKey(cell) === '0:h1') return { value: wrongH1, formula: 'B2*Input_i1' };
        if (answerKey(cell) === '0:aH1') return { value: sigmoid(wrongH1), formula: '1/(1+EXP(-J2))' };
        return { value, formula: 'X1' };
      }),
      { steps: STEPS },
    );
    const byKey = new Map(grade.cells.map((c) => [answerKey(c.cell), c]));
    expect(byKey.get('0:h1')!.verdict).toBe('wrong');
    expect(byKey.get('0:h1')!.expectedFromOwn).toBeCloseTo(truth[0]!.h1, 15);
    expect(byKey.get('0:aH1')!.verdict).toBe('carried-forward');
    expect(byKey.get('0:aH1')!.expectedFromOwn).toBe(sigmoid(wrongH1));
    // o1 reads the (wrong) a_h1: the correct o1 no longer follows from the learner's own cells, but it is still correct.
    expect(byKey.get('0:o1')!.verdict).toBe('correct');
    expect(grade.points).toBe(total - 1);
  });

  it('scores within the relative tolerance and not beyond it', () => {
    const near = gradeSubmission(submission((_, value) => ({ value: value * (1 + 5e-7), formula: 'A1' })), { steps: STEPS });
    expect(near.points).toBe(total);
    const far = gradeSubmission(submission((_, value) => ({ value: value * (1 + 5e-6), formula: 'A1' })), { steps: STEPS });
    expect(far.points).toBeLessThan(total);
    const loose = gradeSubmission(submission((_, value) => ({ value: value * (1 + 5e-6), formula: 'A1' })), { steps: STEPS, relativeTolerance: 1e-5 });
    expect(loose.points).toBe(total);
  });

  it('counts empty cells, errors and text', () => {
    const grade = gradeSubmission(
      submission((cell, value) => {
        if (cell.step === 3) return undefined;
        if (answerKey(cell) === '1:o1') return { value: null, nonNumeric: '#DIV/0!', formula: 'A1/0' };
        if (answerKey(cell) === '1:o2') return { value: null, nonNumeric: 'hello', formula: null };
        return { value, formula: 'A1' };
      }),
      { steps: STEPS },
    );
    expect(grade.counts.empty).toBe(27);
    expect(grade.counts.wrong).toBe(2);
  });

  it('recognises formulas that refer to something', () => {
    expect(isRealFormula(null)).toBe(false);
    expect(isRealFormula('0.5933')).toBe(false);
    expect(isRealFormula('1.5E-3*2')).toBe(false);
    expect(isRealFormula('"abc"')).toBe(false);
    expect(isRealFormula('J2')).toBe(true);
    expect(isRealFormula('1/(1+EXP(-0.3))')).toBe(true);
    expect(isRealFormula('Input_i1*0.2')).toBe(true);
  });
});
