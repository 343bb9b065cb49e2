import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { designerPlan, getModel } from '@gradsheet/shared';
import { writeWorkbookPlan } from '@gradsheet/server';
import { gradsheet } from './support/cli.js';
import { hasLibreOffice } from './support/libreoffice.js';
import { drawSheetPictures, type SheetPicture } from './support/sheet-pictures.js';

/**
 * The pictures of the docs, as LibreOffice prints the workbooks GradSheet writes: the
 * backprop workbook's sheets and the designer's Model sheet. Each is drawn into
 * test-artifacts/docs/ and checked to show a drawn sheet; `npm run docs:pictures`
 * (GRADSHEET_DOCS_PICTURES=1) also copies them into docs/images/.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts/docs');
const DOCS_IMAGES = join(ROOT, 'docs/images');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-docs-pictures-'));
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function draw(xlsx: string, pictures: readonly Omit<SheetPicture, 'file'>[], files: readonly string[]): Promise<void> {
  const drawn = await drawSheetPictures(
    xlsx,
    pictures.map((picture, i) => ({ ...picture, file: join(ARTIFACTS, files[i] as string) })),
  );
  for (const file of files) {
    const picture = drawn.get(join(ARTIFACTS, file));
    // A printed sheet: wide enough to read, with text and grid lines on it.
    expect(picture?.width, file).toBeGreaterThan(400);
    expect(picture?.dark, file).toBeGreaterThan(0.002);
    if (process.env.GRADSHEET_DOCS_PICTURES === '1') await copyFile(join(ARTIFACTS, file), join(DOCS_IMAGES, basename(file)));
  }
}

describe.skipIf(!hasLibreOffice())('the docs’ pictures', () => {
  it('draws the backprop workbook, sheet by sheet', async () => {
    const xlsx = join(dir, 'backprop.xlsx');
    const result = await gradsheet(['backprop', '--out', xlsx, '--steps', '30']);
    expect(result.code).toBe(0);
    await draw(
      xlsx,
      [
        { sheet: 'Parameters', area: '$A$1:$N$25', dpi: 110, gridLines: true },
        { sheet: 'Backprop', area: '$A$1:$P$16', dpi: 110, gridLines: true },
        { sheet: 'Derivation', area: '$A$1:$E$39', dpi: 150, gridLines: true },
        { sheet: 'LR Comparison', area: '$A$1:$S$27', dpi: 110, gridLines: true },
      ],
      ['workbook-parameters.png', 'workbook-backprop.png', 'workbook-derivation.png', 'workbook-lr-comparison.png'],
    );
  });

  it('draws the designer’s Model sheet, started from seed-11154', async () => {
    const xlsx = join(dir, 'designer.xlsx');
    await writeFile(xlsx, await writeWorkbookPlan(designerPlan(getModel('seed-11154'))));
    await draw(xlsx, [{ sheet: 'Model', area: '$A$1:$Q$52', dpi: 110, gridLines: true }], ['designer-model.png']);
  });
});
