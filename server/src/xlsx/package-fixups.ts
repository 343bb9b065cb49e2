import JSZip from 'jszip';
import type { ChartPlan } from '@gradsheet/shared';
import { addChartsToPackage, generatePackage } from './charts/add-charts.js';

const WORKBOOK_PART = 'xl/workbook.xml';

/**
 * What exceljs' streaming writer cannot write, added to its package in one pass:
 * the full-recalculation flag, the charts, and the workbook's structure lock. Unchanged parts keep their
 * compressed bytes when the package is regenerated.
 */
export async function finishPackage(
  xlsx: Buffer,
  chartsBySheet: ReadonlyMap<string, readonly ChartPlan[]>,
  options: { readonly lockStructure?: boolean } = {},
): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx);
  await setFullCalcOnLoad(zip);
  if (options.lockStructure) await lockStructure(zip);
  if (chartsBySheet.size > 0) await addChartsToPackage(zip, chartsBySheet);
  return generatePackage(zip);
}

/**
 * Marks the workbook for a full recalculation when it is opened: the streaming
 * writer always writes empty calculation properties.
 */
async function setFullCalcOnLoad(zip: JSZip): Promise<void> {
  const part = zip.file(WORKBOOK_PART);
  if (!part) throw new Error('the package has no xl/workbook.xml');
  const xml = await part.async('string');
  const calcPr = '<calcPr calcId="171027" fullCalcOnLoad="1"/>';
  const updated = /<calcPr\b[^>]*\/>/.test(xml)
    ? xml.replace(/<calcPr\b[^>]*\/>/, calcPr)
    : xml.replace('</workbook>', `${calcPr}</workbook>`);
  zip.file(WORKBOOK_PART, updated);
}

/** Workbook structure protection without a password; the schema puts it after workbookPr, before bookViews and sheets. */
async function lockStructure(zip: JSZip): Promise<void> {
  const part = zip.file(WORKBOOK_PART);
  if (!part) throw new Error('the package has no xl/workbook.xml');
  const xml = await part.async('string');
  if (/<workbookProtection\b/.test(xml)) return;
  const updated = xml.replace(/<(bookViews|sheets)\b/, '<workbookProtection lockStructure="1"/><$1');
  if (updated === xml) throw new Error('xl/workbook.xml has no sheets element');
  zip.file(WORKBOOK_PART, updated);
}
