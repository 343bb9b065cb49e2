export { writeWorkbookPlan, type WriteOptions, type WriteProgress } from './xlsx/exceljs-writer.js';
export { backpropXlsx } from './backprop/backprop-xlsx.js';
export { runCli, buildProgram } from './cli/main.js';
export { trainingReportXlsx } from './report/report-xlsx.js';
export { buildApp, startServer } from './service/index.js';
