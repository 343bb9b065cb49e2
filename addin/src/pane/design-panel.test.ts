import { describe, expect, it } from 'vitest';
import { DESIGN_TRAINING_DEFAULTS, designFromGrid, GradSheetError, invalidInput } from '@gradsheet/shared';
import { defaultsText, designProblems } from './design-panel.js';

describe('the design section’s words', () => {
  it('says a design’s default settings in words', () => {
    expect(defaultsText(DESIGN_TRAINING_DEFAULTS)).toBe(
      `${DESIGN_TRAINING_DEFAULTS.epochs} epochs of SGD (momentum ${DESIGN_TRAINING_DEFAULTS.momentum}) at a learning rate of ${DESIGN_TRAINING_DEFAULTS.lr} on a OneCycle schedule, in batches of ${DESIGN_TRAINING_DEFAULTS.batchSize}`,
    );
    expect(defaultsText({ epochs: 3, batchSize: 64, optimizer: 'adam', lr: 0.001, schedule: 'none' })).toBe('3 epochs of Adam at a learning rate of 0.001 on a constant rate, in batches of 64');
  });

  it('lists a refused design’s rows, one sentence each, and leaves other errors alone', () => {
    const grid = [
      ['Layer', 'Type', 'Filters', 'Kernel', 'Stride', 'Padding', 'Rate', 'Size', 'Units', 'Bias'],
      [1, 'Conv2d', 4, 40],
      [2, 'Dropout', null, null, null, null, 2],
    ];
    let refused: unknown;
    try {
      designFromGrid(grid);
    } catch (error) {
      refused = error;
    }
    expect(designProblems(refused)).toEqual([expect.stringMatching(/^Row 2 \(Conv2d\): kernel .*40\.$/), expect.stringMatching(/^Row 3 \(Dropout\): rate .*got 2\.$/)]);
    expect(designProblems(new GradSheetError('INVALID_MODEL', 'layer 1 (Conv2d): kernel 9 is larger than its 7×7 input'))).toEqual([
      'layer 1 (Conv2d): kernel 9 is larger than its 7×7 input.',
    ]);
    expect(designProblems(invalidInput('Epochs: “x” is not a number'))).toBeUndefined();
  });
});
