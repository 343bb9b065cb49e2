import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GradSheetError, getModel, type ModelSpec } from '@gradsheet/shared';
import { loadModelFile } from '@gradsheet/server';
import { gradsheet } from './support/cli.js';
import { designerAddress, writeDesigner } from './support/designer-sheets.js';
import { setCellNumber } from './support/xlsx-edit.js';
import { craftZip, deflatedZeros, storedEntry } from './support/zip-craft.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-design-cli-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The design a file holds, as `gradsheet design --export-json` prints it. */
async function exported(path: string): Promise<ModelSpec> {
  const result = await gradsheet(['design', '--export-json', path]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ModelSpec;
}

describe('gradsheet design', () => {
  it('writes the designer workbook from a zoo model, and reads the same design back', async () => {
    const out = join(dir, 'seed.xlsx');
    const result = await gradsheet(['design', '--out', out, '--from', 'seed-18050']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`Wrote ${out}: the Model sheet, from seed-18050, 18,050 parameters\n`);
    expect((await exported(out)).layers).toEqual(getModel('seed-18050').layers);
  });

  it('writes a blank designer workbook, which holds no design yet', async () => {
    const out = join(dir, 'blank.xlsx');
    expect(await gradsheet(['design', '--out', out])).toMatchObject({ code: 0, stdout: `Wrote ${out}: the Model sheet, from a blank sheet\n` });
    const result = await gradsheet(['design', '--export-json', out]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('gradsheet: blank.xlsx: The design has no layers: choose a Type in at least one row\n');
  });

  it('starts from a design file, JSON or a designer workbook, and a JSON spec round-trips', async () => {
    const json = join(dir, 'tiny.json');
    await writeFile(json, JSON.stringify({ layers: [{ type: 'Conv2d', filters: 10, kernel: 3, padding: 'same' }, { type: 'GAP' }, { type: 'Flatten' }, { type: 'Linear', units: 10 }] }));
    const fromJson = join(dir, 'from-json.xlsx');
    expect(await gradsheet(['design', '--out', fromJson, '--model-file', json])).toMatchObject({ code: 0, stderr: '' });
    const spec = await exported(fromJson);
    expect(spec.layers).toEqual([{ type: 'conv2d', filters: 10, kernel: 3, padding: 1 }, { type: 'gap' }, { type: 'flatten' }, { type: 'dense', units: 10 }]);
    const again = join(dir, 'again.json');
    await writeFile(again, JSON.stringify(spec));
    expect(await loadModelFile(again)).toEqual(spec);
    const fromWorkbook = join(dir, 'from-workbook.xlsx');
    expect(await gradsheet(['design', '--out', fromWorkbook, '--model-file', fromJson])).toMatchObject({ code: 0, stderr: '' });
    expect((await exported(fromWorkbook)).layers).toEqual(spec.layers);
  });

  it('refuses bad input with one line and exit status 2, and writes nothing', async () => {
    const before = new Set(await readdir(dir));
    const cases: [string[], RegExp][] = [
      [['design'], /^gradsheet: give --out FILE\.xlsx to write a designer workbook, or --export-json FILE\.xlsx/],
      [['design', '--out', join(dir, 'x.xlsx'), '--from', 'seed-1'], /^gradsheet: unknown model "seed-1"; known models: gradsheet-7774/],
      [['design', '--out', join(dir, 'x.xlsx'), '--from', 'seed-18050', '--model-file', 'a.json'], /^gradsheet: give --from MODEL_ID or --model-file FILE, not both/],
      [['design', '--out', join(dir, 'x.csv')], /^gradsheet: --out must name a \.xlsx file/],
      [['design', '--out', join(dir, 'missing', 'x.xlsx')], /^gradsheet: cannot write .*does not exist/],
      [['design', '--export-json', join(dir, 'none.xlsx')], /^gradsheet: model file ".*none\.xlsx" does not exist/],
      [['design', '--export-json', join(dir, 'seed.xlsx'), '--out', join(dir, 'x.xlsx')], /^gradsheet: --export-json prints a design and writes nothing: give it alone/],
    ];
    for (const [args, message] of cases) {
      const result = await gradsheet(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(new Set(await readdir(dir))).toEqual(before);
  });
});

describe('loadModelFile', () => {
  async function refusal(name: string, content: string | Buffer): Promise<GradSheetError> {
    const path = join(dir, name);
    await writeFile(path, content);
    const error = await loadModelFile(path).catch((e: unknown) => e);
    expect(error, name).toBeInstanceOf(GradSheetError);
    expect((error as Error).message).not.toContain('\n');
    return error as GradSheetError;
  }

  it('refuses files that are not a design, with INVALID_FILE and one sentence naming the file', async () => {
    const minimalXlsx = (sheetXml: string) =>
      craftZip([
        storedEntry('[Content_Types].xml', '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
        storedEntry('xl/workbook.xml', '<workbook/>'),
        storedEntry('xl/worksheets/sheet1.xml', sheetXml),
      ]);
    const cases: [string, string | Buffer, RegExp][] = [
      ['model.txt', 'layers', /is neither a model spec \(\.json\) nor a designer workbook \(\.xlsx\)/],
      ['broken.json', '{"layers": [', /is not valid JSON/],
      ['text.xlsx', 'not a zip', /is not an \.xlsx workbook \(it is not a zip package\)/],
      ['bomb.xlsx', craftZip([storedEntry('[Content_Types].xml', '<Types/>'), { name: 'xl/workbook.xml', data: deflatedZeros(40), method: 8, declaredSize: 40 << 20 }]), /would inflate/],
      ['macros.xlsx', craftZip([storedEntry('[Content_Types].xml', '<Types/>'), storedEntry('xl/workbook.xml', '<workbook/>'), storedEntry('xl/vbaProject.bin', 'x')]), /macros/],
      ['odd.xlsx', minimalXlsx('<worksheet/>'), /could not be read as a workbook|has no designer sheet/],
    ];
    for (const [name, content, message] of cases) {
      const error = await refusal(name, content);
      expect(error.code, name).toBe('INVALID_FILE');
      expect(error.message, name).toMatch(new RegExp(`^model file ".*${name.replace('.', '\\.')}" `));
      expect(error.message, name).toMatch(message);
    }
  });

  it('refuses a workbook without a designer sheet', async () => {
    const backprop = join(dir, 'backprop.xlsx');
    expect((await gradsheet(['backprop', '--out', backprop, '--steps', '5'])).code).toBe(0);
    const error = await loadModelFile(backprop).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_FILE' });
    expect((error as Error).message).toMatch(/backprop\.xlsx" has no designer sheet/);
  });

  it('refuses a bad design with INVALID_MODEL, naming the file and every bad row', async () => {
    const path = join(dir, 'bad-rows.xlsx');
    const spec = getModel('seed-18050');
    await writeDesigner(path, spec);
    await setCellNumber(path, 'Model', designerAddress(spec.layers.length, 0, 'kernel'), 40);
    await setCellNumber(path, 'Model', designerAddress(spec.layers.length, 2, 'rate'), 2);
    const error = (await loadModelFile(path).catch((e: unknown) => e)) as GradSheetError;
    expect(error.code).toBe('INVALID_MODEL');
    expect(error.message).toBe(
      'bad-rows.xlsx: Row 7 (Conv2d): kernel must be a whole number from 1 to 28, got 40; Row 9 (Dropout): rate must be a number from 0 up to (not including) 1, got 2',
    );
    const json = await refusal('bad.json', JSON.stringify({ layers: [{ type: 'Linear', units: 10 }] }));
    expect(json.code).toBe('INVALID_MODEL');
    expect(json.message).toMatch(/^bad\.json: layer 1 \(Linear\): a dense layer needs a flat input/);
  });
});
