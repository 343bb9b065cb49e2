import type { CellStyle } from '../workbook/plan.js';

/** Style ids of the backprop workbook. Input cells copy Excel's built-in "Input" look. */
export const STYLE = {
  title: 'title',
  note: 'note',
  header: 'header',
  input: 'input',
  label: 'label',
  output: 'output',
  formulaText: 'formulaText',
  /** A cell a learner fills in with a formula (exercise workbooks). */
  answer: 'answer',
  /** A parameter shown but not editable (exercise workbooks). */
  given: 'given',
} as const;

export const BACKPROP_STYLES: Readonly<Record<string, CellStyle>> = {
  [STYLE.title]: { bold: true, fontSize: 14 },
  [STYLE.note]: { italic: true, fontColor: '595959' },
  [STYLE.header]: { bold: true, fill: 'D9E1F2', border: 'thin', horizontal: 'center' },
  [STYLE.input]: { fill: 'FFCC99', fontColor: '3F3F76', border: 'thin', locked: false },
  [STYLE.label]: { bold: true },
  [STYLE.output]: { fill: 'F2F2F2', border: 'thin', bold: true },
  [STYLE.formulaText]: { fontColor: '375623' },
  [STYLE.answer]: { fill: 'FFF2CC', border: 'thin', locked: false },
  [STYLE.given]: { fill: 'F2F2F2', border: 'thin' },
};
