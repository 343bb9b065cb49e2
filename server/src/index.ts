export { writeWorkbookPlan, type WriteOptions, type WriteProgress } from './xlsx/exceljs-writer.js';
export { backpropXlsx } from './xlsx/backprop-xlsx.js';
export { runCli, buildProgram } from './cli/main.js';
export { trainingReportXlsx } from './xlsx/report-xlsx.js';
export { buildApp, startServer } from './service/index.js';
export { loadModelFile } from './designer/load-model-file.js';
export { loadMnistSplit } from './mnist/load-mnist.js';
