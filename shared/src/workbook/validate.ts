import { GradSheetError } from '../errors.js';
import type { ColorScaleConditionalFormat, ConditionalFormatPlan, ListValidationPlan, RangeRef, SheetPlan, WorkbookPlan } from './plan.js';

/** Largest column and row every writer can address (Excel's grid). */
export const MAX_COLUMNS = 16_384;
export const MAX_ROWS = 1_048_576;

const A1_LIKE = /^[A-Za-z]{1,3}[0-9]+$/;
const R1C1_LIKE = /^(?:[Rr][0-9]*[Cc]?[0-9]*|[Cc][0-9]*)$/;
const NAME_CHARS = /^[A-Za-z_\\][A-Za-z0-9_.\\]*$/;
const RGB_HEX = /^[0-9A-Fa-f]{6}$/;

/** Excel's tallest row, in points. */
export const MAX_ROW_HEIGHT = 409;

/** Excel's limit on a list validation's source ("a,b,c", separators included) and on its messages. */
export const MAX_LIST_SOURCE_LENGTH = 255;
export const MAX_VALIDATION_MESSAGE_LENGTH = 255;

/**
 * Why a defined name is unusable, or null. Names such as `w1` or `t1` parse as cell
 * addresses, so formulas that use them silently read the wrong cell.
 */
export function definedNameProblem(name: string): string | null {
  if (!NAME_CHARS.test(name)) return 'it must start with a letter or underscore and hold only letters, digits, _ and .';
  if (name.length > 255) return 'it is longer than 255 characters';
  if (A1_LIKE.test(name)) return 'it reads as a cell address (A1 style)';
  if (R1C1_LIKE.test(name)) return 'it reads as a cell address (R1C1 style)';
  return null;
}

/** Why a sheet name is unusable in Excel, or null. */
export function sheetNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > 31) return 'it must have 1 to 31 characters';
  if (/[\\/?*[\]:]/.test(name)) return 'it may not contain \\ / ? * [ ] :';
  if (name.startsWith("'") || name.endsWith("'")) return "it may not begin or end with an apostrophe";
  if (name.toLowerCase() === 'history') return '"History" is reserved by Excel';
  return null;
}

/** Checks the rules every writer relies on; returns the plan unchanged when they hold. */
export function validatePlan(plan: WorkbookPlan): WorkbookPlan {
  const fail = (message: string): never => {
    throw new GradSheetError('INVALID_PLAN', message);
  };
  const sheetNames = new Set<string>();
  for (const sheet of plan.sheets) {
    const problem = sheetNameProblem(sheet.name);
    if (problem) fail(`sheet name "${sheet.name}" is unusable: ${problem}`);
    const key = sheet.name.toLowerCase();
    if (sheetNames.has(key)) fail(`two sheets are named "${sheet.name}"`);
    sheetNames.add(key);
    for (const block of sheet.blocks) {
      const width = Math.max(0, ...block.rows.map((r) => r.length));
      if (block.origin.row + block.rows.length > MAX_ROWS || block.origin.col + width > MAX_COLUMNS) {
        fail(`a block on sheet "${sheet.name}" runs past Excel's last row or column`);
      }
      for (const row of block.rows) {
        for (const cell of row) {
          if (cell && 'formula' in cell && cell.formula.startsWith('=')) {
            fail(`formulas are stored without a leading "=" (sheet "${sheet.name}": ${cell.formula.slice(0, 40)})`);
          }
          const style = cell?.style;
          if (style !== undefined && !(style in plan.styles)) fail(`style "${style}" is used but not defined`);
        }
      }
    }
  }
  for (const sheet of plan.sheets) {
    if (sheet.tabColor !== undefined && !RGB_HEX.test(sheet.tabColor)) fail(`sheet "${sheet.name}" has tab colour "${sheet.tabColor}", not 6 hex digits`);
    for (const { row, height } of sheet.rowHeights ?? []) {
      if (!Number.isInteger(row) || row < 0 || row >= MAX_ROWS) fail(`sheet "${sheet.name}" sets the height of row ${row}, which is not a row`);
      if (!(height > 0 && height <= MAX_ROW_HEIGHT)) fail(`sheet "${sheet.name}" gives row ${row} the height ${height}; Excel allows more than 0 and up to ${MAX_ROW_HEIGHT} points`);
    }
    for (const validation of sheet.validations ?? []) {
      const problem = listValidationProblem(validation, sheet);
      if (problem) fail(`a drop-down list on sheet "${sheet.name}" is unusable: ${problem}`);
    }
    for (const format of sheet.conditionalFormats ?? []) {
      const problem = conditionalFormatProblem(format, sheet);
      if (problem) fail(`a conditional format on sheet "${sheet.name}" is unusable: ${problem}`);
    }
    for (const fill of sheet.fills ?? []) {
      if (fill.results.length === 0) fail(`an empty fill on sheet "${sheet.name}"`);
      if (fill.origin.row + fill.results.length > MAX_ROWS || fill.origin.col >= MAX_COLUMNS) {
        fail(`a fill on sheet "${sheet.name}" runs past Excel's last row or column`);
      }
      if (fill.formulaR1C1.startsWith('=')) fail(`formulas are stored without a leading "=" (sheet "${sheet.name}")`);
      if (fill.style !== undefined && !(fill.style in plan.styles)) fail(`style "${fill.style}" is used but not defined`);
    }
  }
  for (const [id, style] of Object.entries(plan.styles)) {
    for (const colour of [style.fill, style.fontColor]) {
      if (colour !== undefined && !RGB_HEX.test(colour)) fail(`style "${id}" has colour "${colour}", not 6 hex digits`);
    }
  }
  const names = new Set<string>();
  for (const { name, refersTo } of plan.names) {
    const problem = definedNameProblem(name);
    if (problem) fail(`defined name "${name}" is unusable: ${problem}`);
    if (names.has(name.toLowerCase())) fail(`defined name "${name}" is defined twice`);
    names.add(name.toLowerCase());
    if (!sheetNames.has(refersTo.sheet.toLowerCase())) fail(`defined name "${name}" refers to a missing sheet "${refersTo.sheet}"`);
  }
  return plan;
}

/** Why a range cannot carry a sheet's validation or format, or null. */
function rangeProblem(range: RangeRef, sheet: SheetPlan): string | null {
  if (range.sheet !== sheet.name) return `its range is on sheet "${range.sheet}"`;
  const corners = [range.start.row, range.start.col, range.end.row, range.end.col];
  if (!corners.every((n) => Number.isInteger(n) && n >= 0)) return 'its range has a corner that is not a cell';
  if (range.end.row < range.start.row || range.end.col < range.start.col) return 'its range ends above or left of its start';
  if (range.end.row >= MAX_ROWS || range.end.col >= MAX_COLUMNS) return "its range runs past Excel's last row or column";
  return null;
}

/** Why a drop-down list cannot be written, or null. */
export function listValidationProblem(validation: ListValidationPlan, sheet: SheetPlan): string | null {
  const range = rangeProblem(validation.range, sheet);
  if (range) return range;
  if (validation.values.length === 0) return 'it has no values';
  if (validation.values.some((value) => value.trim() === '')) return 'it has an empty value';
  // A literal list is one quoted, comma-separated string: neither character can be inside a value.
  const bad = validation.values.find((value) => /[,"]/.test(value));
  if (bad !== undefined) return `the value "${bad}" holds a comma or a double quote`;
  const source = validation.values.join(',');
  if (source.length > MAX_LIST_SOURCE_LENGTH) {
    return `its values take ${source.length} characters with their commas; Excel allows ${MAX_LIST_SOURCE_LENGTH}`;
  }
  if (validation.errorMessage !== undefined && validation.errorMessage.length > MAX_VALIDATION_MESSAGE_LENGTH) {
    return `its error message is longer than ${MAX_VALIDATION_MESSAGE_LENGTH} characters`;
  }
  return null;
}

/** Why a conditional format cannot be written, or null. */
export function conditionalFormatProblem(format: ConditionalFormatPlan, sheet: SheetPlan): string | null {
  const range = rangeProblem(format.range, sheet);
  if (range) return range;
  if (format.kind === 'colorScale') return colorScaleProblem(format);
  if (format.formula.trim() === '') return 'its formula is empty';
  if (format.formula.startsWith('=')) return 'its formula is stored with a leading "="';
  const { fill, fontColor } = format.style;
  if (fill === undefined && fontColor === undefined) return 'it changes neither the fill nor the font colour';
  for (const colour of [fill, fontColor]) {
    if (colour !== undefined && !RGB_HEX.test(colour)) return `the colour "${colour}" is not 6 hex digits`;
  }
  return null;
}

function colorScaleProblem(scale: ColorScaleConditionalFormat): string | null {
  const points = scale.mid ? [scale.min, scale.mid, scale.max] : [scale.min, scale.max];
  for (const { color, value } of points) {
    if (!RGB_HEX.test(color)) return `the colour "${color}" is not 6 hex digits`;
    if (value !== undefined && !Number.isFinite(value)) return `its point ${value} is not a finite number`;
  }
  const fixed = points.map((p) => p.value).filter((v): v is number => v !== undefined);
  if (fixed.some((v, i) => i > 0 && v < (fixed[i - 1] as number))) return 'its fixed points do not rise from min to max';
  return null;
}
