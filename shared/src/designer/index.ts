export * from './layout.js';
export * from './designer-plan.js';
export * from './read-design.js';
export { ROW_FORMULA_KEYS, type RowFormulaKey } from './row-formulas.js';
export { predictRows, type PredictedRow } from './predict.js';
export * from './sheet-values.js';
