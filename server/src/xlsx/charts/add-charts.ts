/**
 * Native charts for a package written by exceljs, which has no chart
 * support of its own: for a sheet, one drawing part holding a frame per chart,
 * one chart part per chart, the relationships that link sheet → drawing →
 * chart and the content types. The sheet's `<drawing>` element is returned for
 * the caller to add with the sheet's other edits.
 */
import type { ChartPlan } from '@gradsheet/shared';
import { relationshipsXml, relativeTarget, relsPartOf, REL_TYPE_CHART, REL_TYPE_DRAWING, type Relationship } from '../package/relationships.js';
import type { NewWorksheetChild } from '../package/worksheet-part.js';
import type { XlsxPackage } from '../package/xlsx-package.js';
import { chartXml } from './chart-xml.js';
import { drawingXml, type ChartFrame } from './drawing-xml.js';

const CONTENT_TYPE_DRAWING = 'application/vnd.openxmlformats-officedocument.drawing+xml';
const CONTENT_TYPE_CHART = 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml';
const DRAWING_PART = /^xl\/drawings\/drawing(\d+)\.xml$/;
const CHART_PART = /^xl\/charts\/chart(\d+)\.xml$/;

/**
 * Adds the parts for one sheet's charts (numbered after any the package has)
 * and returns the `<drawing>` element its worksheet needs.
 */
export async function addChartParts(pkg: XlsxPackage, sheetPart: string, charts: readonly ChartPlan[]): Promise<NewWorksheetChild> {
  const drawingPart = `xl/drawings/drawing${pkg.highestPartNumber(DRAWING_PART) + 1}.xml`;
  let chartNumber = pkg.highestPartNumber(CHART_PART);
  const chartRels: Relationship[] = [];
  const frames: ChartFrame[] = charts.map((chart, index) => {
    const chartPart = `xl/charts/chart${++chartNumber}.xml`;
    pkg.write(chartPart, chartXml(chart));
    pkg.addContentType(chartPart, CONTENT_TYPE_CHART);
    const chartRelId = `rId${index + 1}`;
    chartRels.push({ id: chartRelId, type: REL_TYPE_CHART, target: relativeTarget(drawingPart, chartPart) });
    return { anchor: chart.anchor, chartRelId, description: chart.title };
  });
  pkg.write(drawingPart, drawingXml(frames));
  pkg.write(relsPartOf(drawingPart), relationshipsXml(chartRels));
  pkg.addContentType(drawingPart, CONTENT_TYPE_DRAWING);

  const drawingRelId = await pkg.addRelationship(sheetPart, REL_TYPE_DRAWING, drawingPart);
  return { name: 'drawing', xml: (relPrefix) => `<drawing ${relPrefix}:id="${drawingRelId}"/>` };
}
