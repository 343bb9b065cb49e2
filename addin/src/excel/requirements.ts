/**
 * Requirement sets asked at run time. The manifest asks for ExcelApi 1.7, the
 * oldest Excel GradSheet loads in; an API from a newer set is used only where
 * this check says the Excel at hand has it, with a plainer way where it has not.
 */

/** Whether this Excel supports ExcelApi `version` ("1.8"; a string, as "1.10" would read as 1.1 as a number). */
export function excelApiSupported(version: string): boolean {
  return typeof Office !== 'undefined' && Office.context.requirements.isSetSupported('ExcelApi', version);
}
