import type ExcelJS from 'exceljs';
import { answerKey, assertState, cellNote, describeCell, feedbackSummary, VERDICT_LABELS, type CellVerdict, type IdentityFinding, type SubmissionGrade } from '@gradsheet/shared';
import { finishPackage } from '../xlsx/finish-package.js';
import { assertStaysInside } from './outside-references.js';
import type { ReadSubmission } from './read-submission.js';

/** Cell colours by verdict, Excel's own "Good", "Neutral" and "Bad" fills. */
const FILLS: Readonly<Record<CellVerdict, string>> = {
  correct: 'FFC6EFCE',
  'carried-forward': 'FFE2EFDA',
  typed: 'FFFFEB9C',
  wrong: 'FFFFC7CE',
  empty: 'FFFFC7CE',
};

const FEEDBACK_SHEET = 'Feedback';

/**
 * The student's own workbook with feedback: each answer cell coloured by its
 * verdict, a note on every cell that did not score saying what was expected and
 * why, and a Feedback sheet listing them, opened first. exceljs keeps the cells,
 * formulas, styles, names and sheet protection; it does not carry charts over.
 * The copy asks Excel to recalculate on open and, as the exercise template does,
 * locks the workbook's structure: exceljs writes neither, and applications that
 * saved the submission may have dropped the lock (LibreOffice does).
 */
export async function feedbackWorkbook(read: ReadSubmission, grade: SubmissionGrade, identity: IdentityFinding): Promise<Buffer> {
  const { workbook, locations } = read;
  const listed: [string, string, string, string][] = [];
  for (const cellGrade of grade.cells) {
    const at = locations.get(answerKey(cellGrade.cell));
    const note = cellNote(cellGrade);
    if (!at) {
      if (note) listed.push([describeCell(cellGrade.cell), '(not found)', VERDICT_LABELS[cellGrade.verdict], note]);
      continue;
    }
    const answers = workbook.getWorksheet(at.sheet);
    assertState(answers, `sheet "${at.sheet}", where the answers were read, is in the workbook`);
    const cell = answers.getCell(at.row, at.col);
    // A fresh style object: loaded cells may share one, and only this cell may change.
    cell.style = { ...cell.style, fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: FILLS[cellGrade.verdict] } } };
    if (note) {
      cell.note = note;
      listed.push([describeCell(cellGrade.cell), `${at.sheet}!${cell.address}`, VERDICT_LABELS[cellGrade.verdict], note]);
    }
  }
  const name = workbook.getWorksheet(FEEDBACK_SHEET) ? 'GradSheet feedback' : FEEDBACK_SHEET;
  const sheet = workbook.addWorksheet(name, { properties: { tabColor: { argb: 'FFC00000' } } });
  sheet.columns = [{ width: 26 }, { width: 16 }, { width: 16 }, { width: 120 }];
  sheet.addRow(['Feedback on your backprop exercise']).font = { bold: true, size: 14 };
  for (const line of feedbackSummary(grade, identity)) sheet.addRow([line]);
  sheet.addRow([]);
  const header = sheet.addRow(['Cell', 'Where', 'Verdict', 'What was expected, and why']);
  header.font = { bold: true };
  for (const row of listed) sheet.addRow(row);
  workbook.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: workbook.worksheets.indexOf(sheet), visibility: 'visible' }];
  const copy = Buffer.from(await workbook.xlsx.writeBuffer());
  const finished = await finishPackage(copy, { fullCalcOnLoad: true, lockStructure: true });
  // readSubmission took every formula reaching outside out of the workbook; this makes sure none is written.
  await assertStaysInside(finished);
  return finished;
}
