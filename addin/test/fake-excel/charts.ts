/**
 * Charts on a sheet, and their series. `add` makes the series Excel would infer from
 * the source range (chart-inference.ts), not the ones a writer meant; a protected sheet
 * refuses new and changed charts unless protect() allowed editing objects.
 */
import { inferSeries } from './chart-inference.js';
import type { FakeRequestContext } from './context.js';
import { payloadSize, requireLoaded, setters } from './errors.js';
import { checkSheetAllows } from './protection.js';
import type { FakeRange } from './ranges.js';
import { parseA1, type FakeChart, type FakeSeries, type FakeSheet } from './state.js';

export class FakeChartCollection {
  items: FakeChartObject[] = [];
  private readonly loadState = { loaded: false };
  constructor(
    private readonly context: FakeRequestContext,
    private readonly sheet: () => FakeSheet,
  ) {}

  add(type: string, source: FakeRange, seriesBy = 'Auto'): FakeChartObject {
    this.context.record(`Charts.add ${type} ${source.address}`, 60, true);
    const sheet = this.sheet();
    const chart: FakeChart = { name: `Chart ${sheet.charts.length + 1}`, type, seriesBy, series: inferSeries(source.worksheet.state().cells, source.area, seriesBy) };
    if (checkSheetAllows(this.context, sheet, 'allowEditObjects', 'add a chart')) sheet.charts.push(chart);
    return new FakeChartObject(this.context, chart, false, sheet);
  }

  getItem(name: string): FakeChartObject {
    this.context.record(`Charts.getItem ${name}`, payloadSize(name));
    const chart = this.sheet().charts.find((c) => c.name === name);
    if (!chart) {
      this.context.fail('ItemNotFound', `there is no chart "${name}"`);
      return new FakeChartObject(this.context, { name, type: 'Line', seriesBy: 'Columns', series: [] });
    }
    return new FakeChartObject(this.context, chart, false, this.sheet());
  }

  getItemOrNullObject(name: string): FakeChartObject {
    this.context.record(`Charts.getItemOrNullObject ${name}`, payloadSize(name));
    const chart = this.sheet().charts.find((c) => c.name === name);
    const object = new FakeChartObject(this.context, chart ?? { name, type: 'Line', seriesBy: 'Columns', series: [] }, !chart);
    this.context.willLoad(object.loadState);
    return object;
  }

  load(_properties?: unknown): this {
    this.items = this.sheet().charts.map((c) => new FakeChartObject(this.context, c));
    this.context.willLoad(this.loadState);
    return this;
  }
}

export class FakeChartObject {
  readonly loadState = { loaded: false };
  readonly title: { text?: string };
  readonly axes: { categoryAxis: { title: { text?: string } }; valueAxis: { title: { text?: string } } };
  readonly series: {
    getItemAt(index: number): FakeSeriesObject;
    add(name?: string): FakeSeriesObject;
    getCount(): { readonly value: number };
  };
  private readonly change: (what: string, value: unknown) => boolean;

  /** `sheet` is the chart's sheet, whose protection guards it; a chart not found has none. */
  constructor(
    private readonly context: FakeRequestContext,
    readonly chart: FakeChart,
    private readonly nullObject = false,
    sheet?: FakeSheet,
  ) {
    /** Records a change; says whether the sheet lets it go ahead. */
    const change = (what: string, value: unknown): boolean => {
      context.record(`Chart.${what} ${chart.name}`, payloadSize(value), true);
      return sheet === undefined || checkSheetAllows(context, sheet, 'allowEditObjects', `change chart "${chart.name}"`);
    };
    this.change = change;
    this.title = setters({ text: (v: string) => change('title.text', v) && (chart.title = v) });
    this.axes = {
      categoryAxis: { title: setters({ text: (v: string) => change('axes.categoryAxis.title.text', v) && (chart.xAxisTitle = v) }) },
      valueAxis: { title: setters({ text: (v: string) => change('axes.valueAxis.title.text', v) && (chart.yAxisTitle = v) }) },
    };
    this.series = {
      getItemAt(index: number) {
        context.record(`Chart.series.getItemAt ${index}`, 0);
        const series = chart.series[index];
        if (!series) {
          context.fail('ItemNotFound', `chart "${chart.name}" has no series ${index}`);
          return new FakeSeriesObject(context, { name: '', values: { sheet: '', row: 0, col: 0, rows: 1, cols: 1 } }, chart, change);
        }
        return new FakeSeriesObject(context, series, chart, change);
      },
      add(name = '') {
        const series: FakeSeries = { name, values: { sheet: '', row: 0, col: 0, rows: 0, cols: 0 } };
        if (change(`series.add ${name}`, name)) chart.series.push(series);
        return new FakeSeriesObject(context, series, chart, change);
      },
      getCount() {
        context.record(`Chart.series.getCount ${chart.name}`, 0);
        const loadState = { loaded: false };
        context.willLoad(loadState);
        // The count as Excel holds it when the request reaches this call.
        const count = chart.series.length;
        return {
          get value() {
            requireLoaded(loadState, 'ChartSeriesCollection.getCount().value');
            return count;
          },
        };
      },
    };
  }


  get isNullObject(): boolean {
    requireLoaded(this.loadState, 'Chart.isNullObject');
    return this.nullObject;
  }

  get name(): string {
    return this.chart.name;
  }

  set name(value: string) {
    if (this.change(`name ${value}`, value)) this.chart.name = value;
  }

  setPosition(from: string, to?: string): void {
    if (!this.change(`setPosition ${from}:${to ?? ''}`, 20)) return;
    parseA1(from);
    if (to !== undefined) parseA1(to);
    this.chart.from = from;
    if (to !== undefined) this.chart.to = to;
  }
}

export class FakeSeriesObject {
  constructor(
    private readonly context: FakeRequestContext,
    readonly series: FakeSeries,
    private readonly chart: FakeChart,
    private readonly change: (what: string, value: unknown) => boolean,
  ) {}

  set name(value: string) {
    if (this.change(`series.name ${value}`, value)) this.series.name = value;
  }

  get name(): string {
    return this.series.name;
  }

  setValues(range: FakeRange): void {
    if (this.change(`series.setValues ${range.address}`, 40)) this.series.values = range.area;
  }

  setXAxisValues(range: FakeRange): void {
    if (this.change(`series.setXAxisValues ${range.address}`, 40)) this.series.xValues = range.area;
  }

  /** ExcelApi 1.7. */
  delete(): void {
    if (!this.change(`series.delete ${this.series.name}`, 0) || !this.context.requires('1.7', 'ChartSeries.delete')) return;
    const index = this.chart.series.indexOf(this.series);
    if (index < 0) this.context.fail('ItemNotFound', `chart "${this.chart.name}" has no series "${this.series.name}"`);
    else this.chart.series.splice(index, 1);
  }
}
