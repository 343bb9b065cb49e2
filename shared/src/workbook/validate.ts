import { GradSheetError } from '../errors.js';
import type { WorkbookPlan } from './plan.js';

/** Largest column and row every writer can address (Excel's grid). */
export const MAX_COLUMNS = 16_384;
export const MAX_ROWS = 1_048_576;

const A1_LIKE = /^[A-Za-z]{1,3}[0-9]+$/;
const R1C1_LIKE = /^(?:[Rr][0-9]*[Cc]?[0-9]*|[Cc][0-9]*)$/;
const NAME_CHARS = /^[A-Za-z_\\][A-Za-z0-9_.\\]*$/;

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
    for (const fill of sheet.fills ?? []) {
      if (fill.results.length === 0) fail(`an empty fill on sheet "${sheet.name}"`);
      if (fill.origin.row + fill.results.length > MAX_ROWS || fill.origin.col >= MAX_COLUMNS) {
        fail(`a fill on sheet "${sheet.name}" runs past Excel's last row or column`);
      }
      if (fill.formulaR1C1.startsWith('=')) fail(`formulas are stored without a leading "=" (sheet "${sheet.name}")`);
      if (fill.style !== undefined && !(fill.style in plan.styles)) fail(`style "${fill.style}" is used but not defined`);
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
