import { describe, expect, it } from 'vitest';
import { countParams, modelIds, getModel, thousands } from '@gradsheet/shared';
import { gradsheet } from './support/cli.js';

/** The models and summary commands, through the real CLI (build first: npx tsc -b shared server). */

describe('gradsheet models', () => {
  it('lists every built-in id first on its own line, with its parameter count', async () => {
    const result = await gradsheet(['models']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(modelIds());
    for (const [i, id] of modelIds().entries()) {
      expect(lines[i]).toContain(`${thousands(countParams(getModel(id)))} params`);
      expect(lines[i]).toContain(getModel(id).title);
    }
  });
});

describe('gradsheet summary', () => {
  it('prints the table and ends with the total', async () => {
    const result = await gradsheet(['summary', '--model', 'seed-19698']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toContain('            Conv2d-1           [-1, 16, 26, 26]             160      3');
    expect(lines.at(-1)).toBe('Total params: 19,698');
  });

  it('prints the default model when no model is named', async () => {
    const result = await gradsheet(['summary']);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('Total params: 7,774');
  });

  it.each([
    ['an unknown id', ['--model', 'lenet-5'], /unknown model "lenet-5"; known models: .*seed-19698/],
    ['a missing file', ['--model-file', 'no-such-design.json'], /model file "no-such-design.json" does not exist/],
  ])('rejects %s with one line and exit status 2', async (_what, args, message) => {
    const result = await gradsheet(['summary', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
