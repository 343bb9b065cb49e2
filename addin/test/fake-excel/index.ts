/**
 * A recording fake of the part of Excel's JavaScript object model that GradSheet uses.
 *
 * It keeps a workbook's state as plain JSON (so a browser test can keep it across page
 * reloads, as Excel keeps the document while the pane reloads), records every call with
 * its payload, counts syncs, and fails at `sync()` the way Excel does: a missing item,
 * an array whose shape does not match its range, a write to a protected sheet, a name
 * taken twice, an API newer than the Excel it stands for, or a request over Excel on
 * the web's 5 MB limit (as the fake estimates it; office-js-requests.ts measures it with
 * Microsoft's own serialiser). Properties that must be loaded (isNullObject, values, items)
 * throw until a sync has happened.
 *
 * office-addin-mock models single objects, not collections, which is why this exists.
 * No Node imports: the browser tests bundle it into their office.js stub. One file per
 * family of objects:
 * - state.ts: the workbook as JSON; context.ts: the request context and its recording;
 * - workbook.ts: the workbook and defined names; worksheets.ts: sheets and frozen panes;
 * - ranges.ts: values, formulas and formats; data-validation.ts and conditional-formats.ts;
 * - charts.ts: charts and series, made from a source range as chart-inference.ts says Excel does;
 * - protection.ts: sheet and workbook protection; naming.ts: Excel's rules for sheet and defined names;
 * - requirements.ts: ExcelApi requirement sets, for an Excel of a chosen age;
 * - run.ts: `Excel.run` over the fake, with its options.
 *
 * A strict fake (`strict: true`) takes values and formulas only as 2-D arrays. A workbook
 * whose `cellEditing` is set fails every sync as Excel does while the learner types in a
 * cell; its `calculationMode` and `calculations` stand for Excel's calculation settings.
 */
export * from './state.js';
export { FakeExcelError } from './errors.js';
export * from './context.js';
export * from './requirements.js';
export * from './workbook.js';
export * from './worksheets.js';
export * from './ranges.js';
export * from './data-validation.js';
export * from './conditional-formats.js';
export * from './charts.js';
export * from './chart-inference.js';
export * from './protection.js';
export * from './naming.js';
export * from './run.js';
