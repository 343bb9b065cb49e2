/**
 * DrawingML for one native chart, lines or columns (an `xl/charts/chartN.xml` part).
 *
 * Element order follows the ECMA-376 schema sequences exactly: Excel refuses
 * to open a chart whose children are out of order, even where other readers
 * cope. Series reference their ranges with formulas only and carry no cached
 * values, so the chart always draws what the cells currently hold.
 */
import { GradSheetError, rangeFormula, type ChartPlan, type LineSeriesPlan, type RangeRef } from '@gradsheet/shared';
import { escapeXml, NS_REL, XML_DECLARATION } from '../package/xml.js';

const NS_CHART = 'http://schemas.openxmlformats.org/drawingml/2006/chart';
const NS_MAIN = 'http://schemas.openxmlformats.org/drawingml/2006/main';

/** Axis ids only need to be unique within one chart. */
const CATEGORY_AXIS_ID = 500000001;
const VALUE_AXIS_ID = 500000002;

/** Distinct line colours: the colour-blind-safe Okabe–Ito palette, then brown. */
const SERIES_COLORS = ['0072B2', 'D55E00', '009E73', 'CC79A7', 'E69F00', '56B4E9', '000000', '8C564B'] as const;

/** Category labels shown at most, so long step ranges stay readable. */
const MAX_CATEGORY_LABELS = 12;

/** Line width in EMU (1.75 pt). */
const LINE_WIDTH_EMU = 22225;

/** Space between clusters of columns, as a percentage of a column's width. */
const BAR_GAP_WIDTH = 60;

/** A complete chart part for `chart`. */
export function chartXml(chart: ChartPlan): string {
  if (chart.series.length === 0) throw new GradSheetError('INVALID_PLAN', `chart "${chart.title}" has no series`);
  const skip = categoryLabelSkip(cellCount(chart.categories));
  const hasTitle = chart.title.trim() !== '';
  return (
    XML_DECLARATION +
    `<c:chartSpace xmlns:c="${NS_CHART}" xmlns:a="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    '<c:date1904 val="0"/>' +
    // Excel draws rounded corners when this is absent.
    '<c:roundedCorners val="0"/>' +
    '<c:chart>' +
    (hasTitle ? titleXml(chart.title, { size: 1400, bold: true }) : '') +
    `<c:autoTitleDeleted val="${hasTitle ? 0 : 1}"/>` +
    '<c:plotArea><c:layout/>' +
    plotXml(chart) +
    '<c:catAx>' +
    axisStartXml(CATEGORY_AXIS_ID, 'b', false, chart.xAxisTitle) +
    // Labels sit at the bottom even when values go negative. No tick marks:
    // readers that ignore tickMarkSkip would draw one per step, a solid bar.
    '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>' +
    `<c:crossAx val="${VALUE_AXIS_ID}"/><c:crosses val="autoZero"/>` +
    '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>' +
    `<c:tickLblSkip val="${skip}"/><c:tickMarkSkip val="${skip}"/>` +
    '<c:noMultiLvlLbl val="1"/>' +
    '</c:catAx>' +
    '<c:valAx>' +
    axisStartXml(VALUE_AXIS_ID, 'l', true, chart.yAxisTitle) +
    '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>' +
    `<c:crossAx val="${CATEGORY_AXIS_ID}"/><c:crosses val="autoZero"/>` +
    '<c:crossBetween val="between"/>' +
    '</c:valAx>' +
    '</c:plotArea>' +
    // One series explains itself through the chart title; a legend would only take room.
    (chart.series.length > 1 ? '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>' : '') +
    '<c:plotVisOnly val="1"/>' +
    '<c:dispBlanksAs val="gap"/>' +
    '</c:chart>' +
    '</c:chartSpace>'
  );
}

/** The chart-type element (CT_LineChart or CT_BarChart), its series and its axis ids, in schema order. */
function plotXml(chart: ChartPlan): string {
  const axes = `<c:axId val="${CATEGORY_AXIS_ID}"/><c:axId val="${VALUE_AXIS_ID}"/>`;
  if (chart.kind === 'bar') {
    return (
      '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>' +
      chart.series.map((series, index) => barSeriesXml(series, index, chart.categories)).join('') +
      `<c:gapWidth val="${BAR_GAP_WIDTH}"/>` +
      axes +
      '</c:barChart>'
    );
  }
  return (
    '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>' +
    chart.series.map((series, index) => seriesXml(series, index, chart.categories)).join('') +
    '<c:marker val="1"/>' +
    axes +
    '</c:lineChart>'
  );
}

/**
 * Shows every k-th category label so that at most MAX_CATEGORY_LABELS appear,
 * with k a "round" step (1, 2, 5, 10, 20, 50, …) so labels land on round steps.
 */
export function categoryLabelSkip(categoryCount: number): number {
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const factor of [1, 2, 5]) {
      const skip = factor * magnitude;
      if (Math.ceil(categoryCount / skip) <= MAX_CATEGORY_LABELS) return skip;
    }
  }
}

function cellCount(range: RangeRef): number {
  return (Math.abs(range.end.row - range.start.row) + 1) * (Math.abs(range.end.col - range.start.col) + 1);
}

function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] ?? SERIES_COLORS[0];
}

/** The series' idx, order and name (tx): how every kind of series starts. */
function seriesStartXml(series: LineSeriesPlan, index: number): string {
  const name =
    typeof series.name === 'string'
      ? `<c:v>${escapeXml(series.name)}</c:v>`
      : `<c:strRef><c:f>${escapeXml(rangeFormula(series.name))}</c:f></c:strRef>`;
  return `<c:idx val="${index}"/><c:order val="${index}"/><c:tx>${name}</c:tx>`;
}

function referencesXml(series: LineSeriesPlan, categories: RangeRef): string {
  return (
    `<c:cat><c:numRef><c:f>${escapeXml(rangeFormula(categories))}</c:f></c:numRef></c:cat>` +
    `<c:val><c:numRef><c:f>${escapeXml(rangeFormula(series.values))}</c:f></c:numRef></c:val>`
  );
}

function seriesXml(series: LineSeriesPlan, index: number, categories: RangeRef): string {
  return (
    `<c:ser>${seriesStartXml(series, index)}` +
    `<c:spPr><a:ln w="${LINE_WIDTH_EMU}" cap="rnd"><a:solidFill><a:srgbClr val="${seriesColor(index)}"/></a:solidFill><a:round/></a:ln></c:spPr>` +
    '<c:marker><c:symbol val="none"/></c:marker>' +
    referencesXml(series, categories) +
    '<c:smooth val="0"/>' +
    '</c:ser>'
  );
}

/** CT_BarSer: filled columns; a negative value keeps its colour. */
function barSeriesXml(series: LineSeriesPlan, index: number, categories: RangeRef): string {
  return (
    `<c:ser>${seriesStartXml(series, index)}` +
    `<c:spPr><a:solidFill><a:srgbClr val="${seriesColor(index)}"/></a:solidFill></c:spPr>` +
    '<c:invertIfNegative val="0"/>' +
    referencesXml(series, categories) +
    '</c:ser>'
  );
}

/** The EG_AxShared elements up to and including numFmt, in schema order. */
function axisStartXml(id: number, position: 'b' | 'l', gridlines: boolean, title: string): string {
  return (
    `<c:axId val="${id}"/><c:scaling><c:orientation val="minMax"/></c:scaling>` +
    `<c:delete val="0"/><c:axPos val="${position}"/>` +
    (gridlines ? '<c:majorGridlines/>' : '') +
    (title.trim() !== '' ? titleXml(title, { size: 1000, bold: true, vertical: position === 'l' }) : '') +
    '<c:numFmt formatCode="General" sourceLinked="1"/>'
  );
}

function titleXml(text: string, font: { size: number; bold: boolean; vertical?: boolean }): string {
  const bodyPr = font.vertical ? '<a:bodyPr rot="-5400000" vert="horz"/>' : '<a:bodyPr/>';
  const runProps = `sz="${font.size}" b="${font.bold ? 1 : 0}"`;
  return (
    `<c:title><c:tx><c:rich>${bodyPr}<a:lstStyle/>` +
    `<a:p><a:pPr><a:defRPr ${runProps}/></a:pPr><a:r><a:rPr lang="en-US" ${runProps}/><a:t>${escapeXml(text)}</a:t></a:r></a:p>` +
    '</c:rich></c:tx><c:overlay val="0"/></c:title>'
  );
}
