export * from './analysis.types.js';
export * from './cell-pictures.js';
export * from './confusion-sheet.js';
export * from './mistakes-sheet.js';
export * from './kernels-sheet.js';
export * from './try-it-sheet.js';
export * from './runs-plan.js';
