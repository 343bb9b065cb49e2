import { columnLetters, type ChartPlan, type PlanCell, type RangeRef, type SheetPlan, type WorkbookPlan } from '@gradsheet/shared';

/**
 * A preview of a WorkbookPlan for a plain browser: the first rows of each sheet as a
 * table (formula cells show the engine's value, with the formula as a tooltip) and
 * each chart drawn as SVG from the values the plan carries.
 */

const ROWS = 14;
const COLS = 10;

interface Shown {
  readonly text: string;
  readonly formula?: string;
}

/** The cells of a sheet's top-left corner, from its blocks and fills. */
export function sheetGrid(sheet: SheetPlan, rows = ROWS, cols = COLS): (Shown | null)[][] {
  const grid: (Shown | null)[][] = Array.from({ length: rows }, () => Array.from({ length: cols }, () => null));
  const put = (row: number, col: number, shown: Shown) => {
    if (row < rows && col < cols) (grid[row] as (Shown | null)[])[col] = shown;
  };
  for (const block of sheet.blocks) {
    block.rows.forEach((cells, r) => cells.forEach((cell, c) => cell && put(block.origin.row + r, block.origin.col + c, showCell(cell))));
  }
  for (const fill of sheet.fills ?? []) {
    fill.results.forEach((result, r) => put(fill.origin.row + r, fill.origin.col, { text: formatNumber(result), formula: `R1C1: =${fill.formulaR1C1}` }));
  }
  return grid;
}

function showCell(cell: Exclude<PlanCell, null>): Shown {
  if ('formula' in cell) return { text: typeof cell.result === 'number' ? formatNumber(cell.result) : String(cell.result), formula: `=${cell.formula}` };
  return { text: typeof cell.value === 'number' ? formatNumber(cell.value) : String(cell.value) };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(6)).toString();
}

/** The numbers a range holds in the plan (fills and blocks), top to bottom. */
export function planValues(plan: WorkbookPlan, ref: RangeRef): number[] {
  const sheet = plan.sheets.find((s) => s.name === ref.sheet);
  const values: number[] = [];
  for (let row = ref.start.row; row <= ref.end.row; row++) {
    let found: number | undefined;
    for (const fill of sheet?.fills ?? []) {
      if (fill.origin.col === ref.start.col && row >= fill.origin.row && row < fill.origin.row + fill.results.length) found = fill.results[row - fill.origin.row];
    }
    for (const block of sheet?.blocks ?? []) {
      const cell = block.rows[row - block.origin.row]?.[ref.start.col - block.origin.col];
      if (cell) {
        const value = 'formula' in cell ? cell.result : cell.value;
        if (typeof value === 'number') found = value;
      }
    }
    if (found !== undefined) values.push(found);
  }
  return values;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];

export function chartSvg(chart: ChartPlan, plan: WorkbookPlan, names: readonly string[]): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const width = 320;
  const height = 180 + 12 * Math.ceil(chart.series.length / 3);
  const pad = { left: 46, right: 8, top: 22, bottom: 24 + 12 * Math.ceil(chart.series.length / 3) };
  const series = chart.series.map((s) => planValues(plan, s.values));
  const all = series.flat();
  const min = Math.min(...all);
  const max = Math.max(...all);
  const longest = Math.max(1, ...series.map((s) => s.length));
  const x = (i: number) => pad.left + ((width - pad.left - pad.right) * i) / Math.max(1, longest - 1);
  const y = (v: number) => height - pad.bottom - ((height - pad.top - pad.bottom) * (v - min)) / (max - min || 1);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', chart.title);
  const text = (content: string, tx: number, ty: number, anchor = 'start') => {
    const node = svg.appendChild(document.createElementNS(ns, 'text'));
    node.setAttribute('x', String(tx));
    node.setAttribute('y', String(ty));
    node.setAttribute('text-anchor', anchor);
    node.textContent = content;
  };
  text(chart.title, width / 2, 14, 'middle');
  // Short enough for the left margin: 0.0142, but 5.71e-6 rather than 0.00000571.
  const label = (v: number) => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(3)).toString());
  text(label(max), pad.left - 4, pad.top + 4, 'end');
  text(label(min), pad.left - 4, height - pad.bottom, 'end');
  text(`${chart.xAxisTitle} →`, width - pad.right, height - pad.bottom + 12, 'end');
  series.forEach((values, index) => {
    const line = svg.appendChild(document.createElementNS(ns, 'polyline'));
    // At most ~400 points: enough for a 320-pixel-wide drawing.
    const stride = Math.max(1, Math.floor(values.length / 400));
    line.setAttribute('points', values.filter((_, i) => i % stride === 0).map((v, i) => `${x(i * stride).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', PALETTE[index % PALETTE.length] as string);
    line.setAttribute('stroke-width', '1.5');
    const title = line.appendChild(document.createElementNS(ns, 'title'));
    title.textContent = names[index] ?? '';
    // The legend, three entries a row, below the axis.
    const key = svg.appendChild(document.createElementNS(ns, 'text'));
    key.setAttribute('x', String(pad.left + (index % 3) * 90));
    key.setAttribute('y', String(height - pad.bottom + 24 + 12 * Math.floor(index / 3)));
    key.setAttribute('fill', PALETTE[index % PALETTE.length] as string);
    key.textContent = `— ${names[index] ?? ''}`;
  });
  return svg;
}

/** Tabs of sheet previews, and the workbook's charts. */
export function renderPreview(container: HTMLElement, plan: WorkbookPlan, seriesNames: (chart: ChartPlan) => string[]): void {
  container.replaceChildren();
  const tabs = container.appendChild(document.createElement('div'));
  tabs.className = 'tabs';
  tabs.setAttribute('role', 'tablist');
  const body = container.appendChild(document.createElement('div'));
  const show = (sheet: SheetPlan) => {
    for (const button of tabs.querySelectorAll('button')) button.setAttribute('aria-selected', String(button.textContent === sheet.name));
    body.replaceChildren(sheetTable(sheet));
  };
  for (const sheet of plan.sheets) {
    const button = tabs.appendChild(document.createElement('button'));
    button.type = 'button';
    button.setAttribute('role', 'tab');
    button.textContent = sheet.name;
    button.addEventListener('click', () => show(sheet));
  }
  if (plan.sheets[0]) show(plan.sheets[0]);
  const charts = container.appendChild(document.createElement('div'));
  charts.className = 'charts';
  for (const sheet of plan.sheets) for (const chart of sheet.charts) charts.appendChild(chartSvg(chart, plan, seriesNames(chart)));
}

function sheetTable(sheet: SheetPlan): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'preview';
  table.dataset.sheet = sheet.name;
  const head = table.createTHead().insertRow();
  head.appendChild(document.createElement('th'));
  for (let c = 0; c < COLS; c++) head.appendChild(document.createElement('th')).textContent = columnLetters(c);
  const body = table.createTBody();
  sheetGrid(sheet).forEach((cells, r) => {
    const tr = body.insertRow();
    tr.appendChild(document.createElement('th')).textContent = String(r + 1);
    for (const cell of cells) {
      const td = tr.insertCell();
      if (!cell) continue;
      td.textContent = cell.text;
      if (cell.formula) {
        td.title = cell.formula;
        td.className = 'formula';
      }
    }
  });
  return table;
}
