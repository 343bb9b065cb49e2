import { describe, expect, it } from 'vitest';
import { runBackprop, sigmoid } from '../backprop/engine.js';
import { DEFAULT_BACKPROP_PARAMETERS as P } from '../backprop/parameters.js';
import { answerKey } from './answers.js';
import { cellNote, formatNumber } from './feedback.js';
import { gradeSubmission, type SubmittedCell } from './grading.js';

const [r0] = runBackprop(P.initialWeights, P.inputs, P.targets, P.learningRate, 2);

function gradeOf(key: string, cells: Record<string, SubmittedCell>) {
  const grade = gradeSubmission({ parameters: P, cells: new Map(Object.entries(cells)) }, { steps: 2 });
  return grade.cells.find((c) => answerKey(c.cell) === key)!;
}

describe('cellNote', () => {
  it('says nothing on a cell that scored', () => {
    expect(cellNote(gradeOf('0:h1', { '0:h1': { value: r0!.h1, formula: 'B2*Input_i1+C2*Input_i2' } }))).toBeNull();
  });

  it('explains a wrong cell from the learner own upstream values, and the correct value when they differ', () => {
    const note = cellNote(gradeOf('0:aH1', { '0:h1': { value: 0.5, formula: 'A1' }, '0:aH1': { value: 0.1, formula: 'A1' } }))!;
    expect(note).toBe(
      `a_h1 at step 0: expected ${formatNumber(sigmoid(0.5))}, found 0.1. Expected from your own cells (h1 = 0.5), by a_h1 = σ(h1) = 1 / (1 + e^(−h1)). ` +
        `With every earlier cell right, it would be ${formatNumber(r0!.aH1)}.`,
    );
  });

  it('asks for a formula instead of a typed number', () => {
    expect(cellNote(gradeOf('0:h1', { '0:h1': { value: r0!.h1, formula: null } }))).toBe(
      'h1 at step 0: the value is right, but it is a typed number. Write the formula: h1 = w1·i1 + w2·i2.',
    );
  });

  it('gives the value from the parameters when an upstream cell holds no number', () => {
    const note = cellNote(gradeOf('0:aO1', {}))!;
    expect(note).toMatch(/^a_o1 at step 0 is empty\. Expected [\d.]+, by a_o1 = σ\(o1\).*an earlier cell it needs holds no number/);
    expect(note).toContain(formatNumber(r0!.aO1));
  });

  it('names what a cell holds instead of a number', () => {
    expect(cellNote(gradeOf('0:o1', { '0:o1': { value: null, nonNumeric: '#DIV/0!', formula: 'A1/0' } }))).toMatch(/found #DIV\/0!/);
  });
});
