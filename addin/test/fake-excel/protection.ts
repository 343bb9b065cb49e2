/**
 * Protection, as Excel enforces it: a protected sheet refuses changes to its cells,
 * formats, merges, frozen panes, charts, drop-downs and conditional formats, except
 * what protect() allowed (allowFormatCells, allowFormatColumns, allowFormatRows,
 * allowEditObjects); a workbook whose structure is protected refuses new, removed
 * and renamed sheets.
 */
import type { FakeRequestContext } from './context.js';
import { payloadSize, requireLoaded } from './errors.js';
import type { FakeSheet } from './state.js';

export interface FakeWorkbookProtection {
  protect(password?: string): void;
  unprotect(password?: string): void;
  readonly protected: boolean;
  load(properties?: unknown): FakeWorkbookProtection;
}

export interface FakeWorksheetProtection {
  protect(options?: Record<string, boolean>): void;
  unprotect(): void;
  readonly protected: boolean;
}

/** `workbook.protection`: Review > Protect Workbook. */
export function workbookProtection(context: FakeRequestContext): FakeWorkbookProtection {
  const loadState = { loaded: false };
  return {
    protect() {
      context.record('Workbook.protection.protect', 0, true);
      if (context.state.structureLocked) context.fail('InvalidOperation', 'the workbook is protected already');
      context.state.structureLocked = true;
    },
    unprotect() {
      context.record('Workbook.protection.unprotect', 0, true);
      context.state.structureLocked = false;
    },
    get protected() {
      requireLoaded(loadState, 'WorkbookProtection.protected');
      return context.state.structureLocked === true;
    },
    load() {
      context.willLoad(loadState);
      return this;
    },
  };
}

/** `worksheet.protection`: Review > Protect Sheet. `sheet` names the sheet now, following renames. */
export function worksheetProtection(context: FakeRequestContext, sheet: { readonly name: string; state(): FakeSheet }): FakeWorksheetProtection {
  return {
    protect(options?: Record<string, boolean>) {
      context.record(`Worksheet.protection.protect ${sheet.name}`, payloadSize(options), true);
      const state = sheet.state();
      if (state.protected) context.fail('InvalidOperation', `sheet "${state.name}" is protected already`);
      state.protected = true;
      if (options !== undefined) state.protectionOptions = options;
    },
    unprotect() {
      context.record(`Worksheet.protection.unprotect ${sheet.name}`, 0, true);
      sheet.state().protected = false;
    },
    get protected() {
      return sheet.state().protected;
    },
  };
}

/** Changing the set of sheets in a workbook whose structure is protected fails, as in Excel. Says whether it may go ahead. */
export function checkStructure(context: FakeRequestContext, what: string): boolean {
  if (!context.state.structureLocked) return true;
  context.fail('AccessDenied', `the workbook's structure is protected: cannot ${what}`);
  return false;
}

/** A change to a protected sheet fails at sync, as in Excel. Says whether it may go ahead. */
export function checkSheetUnprotected(context: FakeRequestContext, sheet: FakeSheet, what: string): boolean {
  if (!sheet.protected) return true;
  context.fail('AccessDenied', `sheet "${sheet.name}" is protected: cannot ${what}`);
  return false;
}

/** What protect() can allow on a protected sheet, as Excel.WorksheetProtectionOptions names it. */
export type FakeProtectionAllowance = 'allowFormatCells' | 'allowFormatColumns' | 'allowFormatRows' | 'allowEditObjects';

/** A change to a protected sheet that protect() may have allowed. Says whether it may go ahead. */
export function checkSheetAllows(context: FakeRequestContext, sheet: FakeSheet, allowance: FakeProtectionAllowance, what: string): boolean {
  return sheet.protectionOptions?.[allowance] === true || checkSheetUnprotected(context, sheet, what);
}
