import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExercisePlan, gradeSubmission, rosterParameters, type IdentityFinding } from '@gradsheet/shared';
import { convertTo } from '../../../tests/support/libreoffice.js';
import { writeWorkbookPlan } from '../xlsx/exceljs-writer.js';
import { feedbackWorkbook } from './feedback-xlsx.js';
import { readSubmission } from './read-submission.js';

/**
 * A feedback copy of an untouched exercise, handed in after LibreOffice saved it
 * (which keeps an empty `<workbookProtection/>`, dropping the lock): the copy is
 * a clean package that Excel recalculates on open, with the template's lock.
 */

const STEPS = 2;
let dir: string;
let zip: JSZip;
let copy: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-feedback-'));
  const parameters = rosterParameters(11, ['s1']).get('s1')!;
  const template = join(dir, 'backprop-s1.xlsx');
  await writeFile(template, await writeWorkbookPlan(buildExercisePlan({ id: 's1', name: 'Student 1' }, parameters, STEPS)));
  const submitted = await readFile(await convertTo(template, join(dir, 'submitted'), 'xlsx'));
  const read = await readSubmission(submitted, STEPS);
  const identity: IdentityFinding = { student: undefined, claimedId: read.claimedId, owner: undefined, flags: [] };
  copy = await feedbackWorkbook(read, gradeSubmission(read.values, { steps: STEPS }), identity);
  zip = await JSZip.loadAsync(copy);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('feedback copies', () => {
  it('carry no folder entries', () => {
    expect(Object.values(zip.files).filter((entry) => entry.dir).map((entry) => entry.name)).toEqual([]);
    expect(zip.file('xl/workbook.xml')).not.toBeNull();
  });

  it('ask Excel to recalculate on open and keep the structure locked, as the template does', async () => {
    const workbookXml = await zip.file('xl/workbook.xml')!.async('string');
    expect(workbookXml).toMatch(/<calcPr [^>]*fullCalcOnLoad="1"/);
    expect(workbookXml).toMatch(/<workbookProtection [^>]*lockStructure="1"/);
    expect(workbookXml.match(/<workbookProtection\b/g)).toHaveLength(1);
  });

  it('still open with the learner’s sheets and the feedback sheet first', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(copy as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('Feedback')).toBeDefined();
    expect(workbook.getWorksheet('Backprop')).toBeDefined();
    expect(workbook.views[0]?.activeTab).toBe(workbook.worksheets.indexOf(workbook.getWorksheet('Feedback')!));
  });
});
