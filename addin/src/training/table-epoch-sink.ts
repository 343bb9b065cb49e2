import { EPOCH_COLUMNS, EPOCH_STYLES, epochRow, type EpochMetrics, type RunView } from '@gradsheet/shared';
import type { EpochSink } from './epoch-sink.js';

/** In a plain browser: the epochs in an HTML table, one row per epoch, in epoch order. */
export class TableEpochSink implements EpochSink {
  constructor(private readonly table: HTMLTableElement) {}

  readonly where = () => 'the table below';

  async prepare(_run: RunView, _resuming: boolean): Promise<readonly number[]> {
    this.table.replaceChildren();
    const head = this.table.createTHead().insertRow();
    for (const title of EPOCH_COLUMNS) head.appendChild(document.createElement('th')).textContent = title;
    this.table.createTBody();
    this.table.hidden = false;
    return [];
  }

  async write(rows: readonly EpochMetrics[]): Promise<void> {
    const body = this.table.tBodies[0] ?? this.table.createTBody();
    for (const metrics of rows) {
      const tr = document.createElement('tr');
      tr.dataset.epoch = String(metrics.epoch);
      epochRow(metrics).forEach((cell, col) => {
        const value = cell && 'value' in cell ? cell.value : '';
        tr.insertCell().textContent = typeof value === 'number' ? formatCell(value, EPOCH_STYLES[col]) : String(value);
      });
      const existing = body.querySelector(`tr[data-epoch="${metrics.epoch}"]`);
      const after = [...body.rows].find((r) => Number(r.dataset.epoch) > metrics.epoch);
      if (existing) existing.replaceWith(tr);
      else body.insertBefore(tr, after ?? null);
    }
  }
}

function formatCell(value: number, style: string | undefined): string {
  switch (style) {
    case 'percent':
      return `${(value * 100).toFixed(2)}%`;
    case 'loss':
      return value.toFixed(4);
    case 'rate':
      return value.toExponential(3);
    case 'seconds':
      return value.toFixed(1);
    case 'count':
      return Math.round(value).toLocaleString('en-US');
    default:
      return String(value);
  }
}
