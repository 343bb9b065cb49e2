/**
 * Defined names of the parameter cells. Each is deliberately not a cell address:
 * `w1`, `i1` or `t1` would silently refer to cells W1, I1, T1 instead.
 */
export const PARAMETER_NAMES = {
  learningRate: 'LearningRate',
  i1: 'Input_i1',
  i2: 'Input_i2',
  t1: 'Target_t1',
  t2: 'Target_t2',
  initialWeights: [
    'Initial_w1',
    'Initial_w2',
    'Initial_w3',
    'Initial_w4',
    'Initial_w5',
    'Initial_w6',
    'Initial_w7',
    'Initial_w8',
  ],
} as const;

export const SHEET_NAMES = {
  parameters: 'Parameters',
  steps: 'Backprop',
  derivation: 'Derivation',
  comparison: 'LR Comparison',
  comparisonRuns: 'LR Runs',
} as const;
