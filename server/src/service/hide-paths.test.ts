import { describe, expect, it } from 'vitest';
import { hidePaths } from './hide-paths.js';

describe('hidePaths', () => {
  it.each([
    ["ENOENT: no such file or directory, open '/srv/gradsheet/runs/0f8f/weights-epoch-3.json'", "ENOENT: no such file or directory, open 'weights-epoch-3.json'"],
    ["EACCES: permission denied, open '/home/Ada Lovelace/.local/share/gradsheet/runs/x/run.json'", "EACCES: permission denied, open 'run.json'"],
    ['EISDIR: illegal operation on a directory, read /tmp/gradsheet-x/metrics.jsonl', 'EISDIR: illegal operation on a directory, read metrics.jsonl'],
    ["ENOENT: no such file or directory, open 'C:\\Users\\ada\\AppData\\Local\\gradsheet\\runs\\x\\model.json'", "ENOENT: no such file or directory, open 'model.json'"],
    ['cannot read D:\\data\\runs\\x\\metrics.jsonl now', 'cannot read metrics.jsonl now'],
    ['rename /a/b/.run.json.1.tmp -> /a/b/run.json', 'rename .run.json.1.tmp -> run.json'],
  ])('cuts %j to file names', (message, expected) => {
    expect(hidePaths(message)).toBe(expected);
  });

  it.each([
    'the run folder has no checkpoint of epoch 2, the last it recorded, so the run cannot continue',
    'lr must be a number greater than 0, got -1; 1/2 of the batch',
    'see https://example.com/docs/api for the fields',
    'line 3 of metrics.jsonl is not JSON',
  ])('leaves %j alone', (message) => {
    expect(hidePaths(message)).toBe(message);
  });
});
