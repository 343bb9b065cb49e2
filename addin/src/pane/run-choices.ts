import type { RunView } from '@gradsheet/shared';
import { service } from '../service/client.js';
import { comparable, hasLearned, runLabel } from './compared-runs.js';
import { $ } from './page.js';

/**
 * The learner's runs on the service, offered twice: a drop-down of finished runs (the
 * run whose learning is shown, and which predicts), and a list of check boxes of runs
 * to compare. Refreshing keeps what the learner had picked.
 */
export class RunChoices {
  private runs: readonly RunView[] = [];
  private readonly select = $<HTMLSelectElement>('learn-run');
  private readonly list = $<HTMLUListElement>('compare-runs');
  /** Listeners told after every refresh, e.g. to enable their buttons. */
  private readonly listeners: (() => void)[] = [];

  onChange(listener: () => void): void {
    this.listeners.push(listener);
    this.select.addEventListener('change', listener);
  }

  /** The finished run picked in the drop-down. */
  chosen(): RunView | undefined {
    return this.runs.find((run) => run.id === this.select.value && hasLearned(run));
  }

  /** The runs ticked for comparison, in the list's order (newest first). */
  picked(): RunView[] {
    const ticked = new Set([...this.list.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:checked')].map((box) => box.value));
    return this.runs.filter((run) => ticked.has(run.id));
  }

  /** Asks the service for the runs again; `choose` picks that run in the drop-down when it has finished. */
  async refresh(choose?: string): Promise<void> {
    const { runs } = await service.runs();
    const previous = choose ?? this.select.value;
    const ticked = new Set(this.picked().map((run) => run.id));
    this.runs = runs;

    const finished = runs.filter(hasLearned);
    this.select.replaceChildren(
      ...finished.map((run) => Object.assign(document.createElement('option'), { value: run.id, textContent: runLabel(run) })),
    );
    if (finished.some((run) => run.id === previous)) this.select.value = previous;
    this.select.disabled = finished.length === 0;
    if (finished.length === 0) this.select.append(Object.assign(document.createElement('option'), { value: '', textContent: 'No finished run yet' }));

    const items = runs.filter(comparable).map((run) => {
      const item = document.createElement('li');
      const label = item.appendChild(document.createElement('label'));
      const box = label.appendChild(Object.assign(document.createElement('input'), { type: 'checkbox', value: run.id, checked: ticked.has(run.id) }));
      box.addEventListener('change', () => this.listeners.forEach((listener) => listener()));
      label.append(` ${runLabel(run)}`);
      return item;
    });
    this.list.replaceChildren(...items);
    this.list.hidden = items.length === 0;
    $('learning').dataset.runs = String(runs.length);
    this.listeners.forEach((listener) => listener());
  }
}
