import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradsheet } from './support/cli.js';

/** Bad input: one clear line on stderr, exit status 2, and nothing left behind. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gradsheet backprop, bad input', () => {
  const out = () => join(dir, 'out.xlsx');
  it.each([
    ['a non-numeric η', ['--lrs', '0.1,fast'], /--lrs: "fast" is not a number/],
    ['a non-numeric --lr', ['--lr', 'abc'], /--lr: "abc" is not a number/],
    ['a zero η', ['--lr', '0'], /--lr must be a number greater than 0/],
    ['0 steps', ['--steps', '0'], /--steps must be a whole number from 1 to 10,000/],
    ['negative steps', ['--steps', '-5'], /--steps must be a whole number/],
    ['fractional steps', ['--steps', '2.5'], /--steps must be a whole number/],
    ['steps over the maximum', ['--steps', '10001'], /from 1 to 10,000, got 10001$/m],
    ['seven weights', ['--weights', '1,2,3,4,5,6,7'], /--weights needs exactly 8/],
    ['nine weights', ['--weights', '1,2,3,4,5,6,7,8,9'], /--weights needs exactly 8/],
    ['three inputs', ['--inputs', '1,2,3'], /--inputs needs exactly 2/],
    ['an unknown flag', ['--colour', 'red'], /unknown option '--colour'/],
  ])('rejects %s', async (_what, args, message) => {
    const result = await gradsheet(['backprop', '--out', out(), ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects an output folder that does not exist', async () => {
    const result = await gradsheet(['backprop', '--out', join(dir, 'missing', 'out.xlsx')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not exist/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects an output path that is a folder, and a file that is not .xlsx', async () => {
    await mkdir(join(dir, 'taken.xlsx'));
    const folder = await gradsheet(['backprop', '--out', join(dir, 'taken.xlsx')]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/it is a folder/);
    const wrongType = await gradsheet(['backprop', '--out', join(dir, 'out.csv')]);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toMatch(/must name a .xlsx file/);
    expect(await readdir(dir)).toEqual(['taken.xlsx']);
    await rm(join(dir, 'taken.xlsx'), { recursive: true });
  });

  it('rejects an output under a path component that is a file, leaving no partial file', async () => {
    await writeFile(join(dir, 'plain-file'), 'x');
    const result = await gradsheet(['backprop', '--out', join(dir, 'plain-file', 'out.xlsx')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await readdir(dir)).toEqual(['plain-file']);
    await rm(join(dir, 'plain-file'));
  });

  it('writes the workbook and says so when the input is good', async () => {
    const result = await gradsheet(['backprop', '--out', out(), '--steps', '5']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Wrote .*out\.xlsx: 5 steps at η = 0\.5/);
    expect(await readdir(dir)).toEqual(['out.xlsx']);
    await rm(out());
  });
});
