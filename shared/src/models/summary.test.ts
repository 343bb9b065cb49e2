import { describe, expect, it } from 'vitest';
import type { ModelShapeInput } from './shapes.js';
import { formatSummary, summarizeModel, summaryText, thousands } from './summary.js';

/** A small model touching every naming rule: flatten unlisted, BatchNorm1d after it, GAP, thousands. */
const small: ModelShapeInput = {
  input: [1, 28, 28],
  classes: 10,
  layers: [
    { type: 'conv2d', filters: 40, kernel: 5, bias: false },
    { type: 'maxpool', size: 2 },
    { type: 'flatten' },
    { type: 'batchnorm' },
    { type: 'dropout', rate: 0.05 },
    { type: 'dense', units: 10 },
  ],
};

describe('summarizeModel', () => {
  it('lists every layer but flatten, numbered in row order, with the totals', () => {
    const summary = summarizeModel(small);
    expect(summary.rows.map((row) => row.name)).toEqual(['Conv2d-1', 'MaxPool2d-2', 'BatchNorm1d-3', 'Dropout-4', 'Linear-5']);
    expect(summary.rows.map((row) => row.layerIndex)).toEqual([0, 1, 3, 4, 5]);
    expect(summary.rows[2]).toEqual({ name: 'BatchNorm1d-3', type: 'batchnorm', layerIndex: 3, outputShape: [5760], params: 11_520, receptiveField: 6 });
    expect(summary.rows[4]?.params).toBe(57_610);
    expect(summary).toMatchObject({ totalParams: 1000 + 11_520 + 57_610, trainableParams: 70_130, nonTrainableParams: 0 });
  });
});

describe('formatSummary', () => {
  const expected = [
    '-----------------------------------------------------------------------',
    '        Layer (type)               Output Shape         Param #     RF',
    '=======================================================================',
    '            Conv2d-1           [-1, 40, 24, 24]           1,000      5',
    '         MaxPool2d-2           [-1, 40, 12, 12]               0      6',
    '       BatchNorm1d-3                 [-1, 5760]          11,520      6',
    '           Dropout-4                 [-1, 5760]               0      6',
    '            Linear-5                   [-1, 10]          57,610     28',
    '=======================================================================',
    'Total params: 70,130',
    'Trainable params: 70,130',
    'Non-trainable params: 0',
    '-----------------------------------------------------------------------',
  ];

  it('adds an RF column after Param # and widens the rules to match', () => {
    expect(summaryText(small).split('\n')).toEqual(expected);
  });

  it('without the RF column, is torchsummary to the character', () => {
    const lines = summaryText(small, { receptiveField: false }).split('\n');
    expect(lines[0]).toBe('-'.repeat(64));
    expect(lines[1]).toBe('        Layer (type)               Output Shape         Param #');
    expect(lines[3]).toBe('            Conv2d-1           [-1, 40, 24, 24]           1,000');
  });

  it('can end at the Total params line', () => {
    const text = formatSummary(summarizeModel(small), { endAtTotal: true });
    expect(text.split('\n')).toEqual(expected.slice(0, 10));
    expect(text.split('\n').at(-1)).toBe('Total params: 70,130');
  });
});

describe('thousands', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [19_698, '19,698'],
    [1_234_567, '1,234,567'],
  ])('writes %i as %s', (value, text) => {
    expect(thousands(value)).toBe(text);
  });
});
