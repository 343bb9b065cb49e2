/** Charts on a sheet, and their series. */
import type { FakeRequestContext } from './context.js';
import { payloadSize, requireLoaded, setters } from './errors.js';
import type { FakeRange } from './ranges.js';
import { parseA1, type FakeChart, type FakeSeries, type FakeSheet } from './state.js';

export class FakeChartCollection {
  items: FakeChartObject[] = [];
  private readonly loadState = { loaded: false };
  constructor(
    private readonly context: FakeRequestContext,
    private readonly sheet: () => FakeSheet,
  ) {}

  add(type: string, source: FakeRange, seriesBy: string): FakeChartObject {
    this.context.record(`Charts.add ${type} ${source.address}`, 60, true);
    const chart: FakeChart = { name: `Chart ${this.sheet().charts.length + 1}`, type, seriesBy, series: [{ name: 'Series1', values: source.area }] };
    if (source.area.cols !== 1 && seriesBy === 'Columns') this.context.fail('InvalidArgument', 'the fake expects one column per series');
    this.sheet().charts.push(chart);
    return new FakeChartObject(this.context, chart);
  }

  getItem(name: string): FakeChartObject {
    this.context.record(`Charts.getItem ${name}`, payloadSize(name));
    const chart = this.sheet().charts.find((c) => c.name === name);
    if (!chart) {
      this.context.fail('ItemNotFound', `there is no chart "${name}"`);
      return new FakeChartObject(this.context, { name, type: 'Line', seriesBy: 'Columns', series: [] });
    }
    return new FakeChartObject(this.context, chart);
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
  readonly series: { getItemAt(index: number): FakeSeriesObject; add(name?: string): FakeSeriesObject };

  constructor(
    private readonly context: FakeRequestContext,
    readonly chart: FakeChart,
    private readonly nullObject = false,
  ) {
    const record = (what: string, value: unknown) => context.record(`Chart.${what} ${chart.name}`, payloadSize(value), true);
    this.title = setters({ text: (v: string) => (record('title.text', v), (chart.title = v)) });
    this.axes = {
      categoryAxis: { title: setters({ text: (v: string) => (record('axes.categoryAxis.title.text', v), (chart.xAxisTitle = v)) }) },
      valueAxis: { title: setters({ text: (v: string) => (record('axes.valueAxis.title.text', v), (chart.yAxisTitle = v)) }) },
    };
    this.series = {
      getItemAt(index: number) {
        context.record(`Chart.series.getItemAt ${index}`, 0);
        const series = chart.series[index];
        if (!series) {
          context.fail('ItemNotFound', `chart "${chart.name}" has no series ${index}`);
          return new FakeSeriesObject(context, { name: '', values: { sheet: '', row: 0, col: 0, rows: 1, cols: 1 } });
        }
        return new FakeSeriesObject(context, series);
      },
      add(name = '') {
        context.record(`Chart.series.add ${name}`, payloadSize(name), true);
        const series: FakeSeries = { name, values: { sheet: '', row: 0, col: 0, rows: 0, cols: 0 } };
        chart.series.push(series);
        return new FakeSeriesObject(context, series);
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
    this.context.record(`Chart.name ${value}`, payloadSize(value), true);
    this.chart.name = value;
  }

  setPosition(from: string, to?: string): void {
    this.context.record(`Chart.setPosition ${from}:${to ?? ''}`, 20, true);
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
  ) {}

  set name(value: string) {
    this.context.record(`ChartSeries.name ${value}`, payloadSize(value), true);
    this.series.name = value;
  }

  get name(): string {
    return this.series.name;
  }

  setValues(range: FakeRange): void {
    this.context.record(`ChartSeries.setValues ${range.address}`, 40, true);
    this.series.values = range.area;
  }

  setXAxisValues(range: FakeRange): void {
    this.context.record(`ChartSeries.setXAxisValues ${range.address}`, 40, true);
    this.series.xValues = range.area;
  }
}
