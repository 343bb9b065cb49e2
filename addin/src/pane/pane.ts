import {
  buildBackpropWorkbookPlan,
  getModel,
  isBuiltInModel,
  parseTrainingRequest,
  type ChartPlan,
  type CreateRunRequest,
  type ModelSpec,
  type OptimizerName,
  type RunState,
  type RunView,
  type ScheduleName,
  type TrainingDefaults,
  type TrainingField,
} from '@gradsheet/shared';
import { calculationNote } from '../excel/calculation.js';
import { applyWorkbookPlan, seriesName } from '../excel/plan-writer.js';
import { renderPreview } from '../offline/preview.js';
import { service } from '../service/client.js';
import { ExcelEpochSink } from '../training/excel-epoch-sink.js';
import type { EpochSink } from '../training/epoch-sink.js';
import { RunFollower } from '../training/run-follower.js';
import { localStorageMemory } from '../training/run-memory.js';
import { TableEpochSink } from '../training/table-epoch-sink.js';
import { BACKPROP_FIELDS, readBackpropForm, type BackpropFieldId } from './backprop-form.js';
import { setUpDesign, type DesignTraining } from './design-panel.js';
import { formNumber } from './form-text.js';
import { setUpLearning, type Learning } from './learning-panel.js';
import { openReportInBrowser } from './open-report.js';
import { EXCEL_TOO_OLD, plainMessage, runFailedMessage, showWriteFailure } from './messages.js';
import { $, notice } from './page.js';
import { saveBlob } from './save-blob.js';
import { setUpSignIn } from './sign-in.js';

import type { PaneHost } from './host.js';


export async function startPane(host: PaneHost): Promise<void> {
  document.body.dataset.host = host.kind;
  $('mode').textContent =
    host.kind === 'excel'
      ? 'In Excel: the workbook is built in this workbook.'
      : host.kind === 'browser'
        ? 'Offline mode (not in Excel): preview the workbook and download it as .xlsx.'
        : 'In Excel, but this version is too old.';
  if (host.kind === 'excel-too-old') notice(EXCEL_TOO_OLD);
  setUpSignIn();
  setUpBackprop(host);
  const learning = setUpLearning(host);
  setUpDesign(host, await setUpTraining(host, learning));
  document.body.dataset.ready = 'true';
}

// ---------- Backprop ----------

function setUpBackprop(host: PaneHost): void {
  const fields = $('backprop-fields');
  for (const field of BACKPROP_FIELDS) {
    const label = fields.appendChild(document.createElement('label'));
    label.append(field.label);
    const input = label.appendChild(document.createElement('input'));
    input.id = `bp-${field.id}`;
    input.name = field.id;
    input.value = field.initial;
    input.title = field.hint;
    input.autocomplete = 'off';
  }
  const read = () =>
    readBackpropForm(Object.fromEntries(BACKPROP_FIELDS.map((f) => [f.id, ($(`bp-${f.id}`) as HTMLInputElement).value])) as Record<BackpropFieldId, string>);

  const status = $('build-status');
  const progress = $<HTMLProgressElement>('build-progress');
  const replace = $<HTMLButtonElement>('replace');
  const build = $<HTMLButtonElement>('build');
  build.disabled = host.kind !== 'excel';

  const runBuild = async (replaceExisting: boolean) => {
    if (host.kind !== 'excel') return;
    notice(null);
    replace.hidden = true;
    build.disabled = true;
    progress.hidden = false;
    progress.removeAttribute('value');
    status.textContent = 'Computing the workbook…';
    try {
      // Let the page paint the progress bar before the engine computes every step.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const { options } = read();
      const plan = buildBackpropWorkbookPlan(options);
      const result = await host.run((context) =>
        applyWorkbookPlan(context, plan, {
          replaceExisting,
          onProgress: (p) => {
            progress.max = p.total;
            progress.value = p.done;
            status.textContent = p.phase === 'checking' ? 'Checking the workbook…' : p.phase === 'writing' ? `Writing to Excel (request ${p.done} of ${p.total - 1})…` : 'Finishing…';
          },
        }),
      );
      status.textContent = `Built ${plan.sheets.length} sheets with ${options.steps.toLocaleString('en-US')} steps in ${result.syncs} requests to Excel. Edit the orange cells on Parameters. ${calculationNote(result.calculation)}`.trim();
    } catch (error) {
      showWriteFailure(error, { status, notice, replace });
    } finally {
      progress.hidden = true;
      build.disabled = false;
    }
  };

  $<HTMLFormElement>('backprop-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void runBuild(false);
  });
  replace.addEventListener('click', () => void runBuild(true));

  $('preview-button').addEventListener('click', () => {
    notice(null);
    try {
      const plan = buildBackpropWorkbookPlan(read().options);
      const area = $('preview');
      renderPreview(area, plan, (chart: ChartPlan) => chart.series.map((s) => seriesName(s.name, plan)));
      area.hidden = false;
      status.textContent = `Preview of ${plan.sheets.length} sheets (first rows of each) and ${plan.sheets.reduce((n, s) => n + s.charts.length, 0)} charts.`;
    } catch (error) {
      notice(plainMessage(error));
    }
  });

  $('download').addEventListener('click', () => {
    void (async () => {
      notice(null);
      try {
        const { request } = read();
        status.textContent = 'Asking the service for the workbook…';
        progress.hidden = false;
        progress.removeAttribute('value');
        const { blob, filename } = await service.backpropXlsx(request);
        saveBlob(blob, filename);
        status.textContent = `Downloaded ${filename} (${Math.round(blob.size / 1024).toLocaleString('en-US')} KB).`;
      } catch (error) {
        status.textContent = '';
        notice(plainMessage(error));
      } finally {
        progress.hidden = true;
      }
    })();
  });
}

// ---------- Training ----------

/** Sets up the training section; answers what the design section needs of it, or null where nothing can be trained. */
async function setUpTraining(host: PaneHost, learning: Learning): Promise<DesignTraining | null> {
  const form = $<HTMLFormElement>('train-form');
  const start = $<HTMLButtonElement>('start');
  // Both buttons that start a run wait while the followed run trains.
  const starters = host.kind === 'excel' ? [start, $<HTMLButtonElement>('design-train')] : [start];
  const startable = (yes: boolean) => starters.forEach((button) => (button.disabled = !yes));
  const cancel = $<HTMLButtonElement>('cancel');
  const status = $('run-status');
  const progress = $<HTMLProgressElement>('run-progress');
  const report = $<HTMLAnchorElement>('report');
  openReportInBrowser(report);
  const modelSelect = $<HTMLSelectElement>('model');

  if (host.kind === 'excel-too-old') {
    start.disabled = true;
    return null;
  }
  /** The designs of the runs started here, for the run's sheets: a design's id names no built-in model. */
  const designs = new Map<string, ModelSpec>();
  // After a reload the pane has forgotten its designs: the service keeps each run's model.
  const designOf = async (view: RunView) => designs.get(view.id) ?? (await service.runModel(view.id));
  const sink: EpochSink = host.kind === 'excel' ? new ExcelEpochSink(host.run, designOf) : new TableEpochSink($<HTMLTableElement>('epochs-table'));
  const memory = host.kind === 'excel' ? host.memory : localStorageMemory();
  const running = (state: RunState) => state === 'queued' || state === 'running';
  let where = '';

  const follower = new RunFollower(sink, memory, {
    status(run, written) {
      where = sink.where(run);
      status.textContent = `Run ${run.id.slice(0, 8)} (${run.config.model}) is ${run.state}: ${written} of ${run.config.epochs} epochs in ${where}.`;
      status.dataset.written = String(written);
      void service.reportLink(run.id).then((url) => (report.href = url), () => {});
      report.hidden = false;
      cancel.disabled = !running(run.state);
      startable(!running(run.state));
    },
    progress(p) {
      progress.hidden = false;
      progress.max = p.batches;
      progress.value = p.batch;
      progress.title = `Epoch ${p.epoch}: batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(4)}`;
    },
    state(state, error) {
      cancel.disabled = !running(state);
      startable(!running(state));
      if (state === 'failed') notice(runFailedMessage(error));
      if (state === 'interrupted') notice('The run was interrupted (the service stopped). Resume it with POST /api/runs/<id>/resume, or start a new one.', 'info');
    },
    finished(done) {
      progress.hidden = true;
      cancel.disabled = true;
      startable(true);
      status.dataset.finished = done.state;
      const words = done.state === 'done' ? 'finished' : done.state === 'cancelled' ? 'was cancelled' : 'failed';
      status.textContent = `Run ${done.id.slice(0, 8)} ${words} after ${done.epochs} epoch${done.epochs === 1 ? '' : 's'}; every epoch is in ${where}.`;
      if (done.state === 'failed') notice(runFailedMessage(done.error));
      learning.runEnded(done);
    },
    problem(error) {
      notice(plainMessage(error));
    },
    reconnecting() {
      status.textContent = `${status.textContent?.replace(/ \(reconnecting…\)$/, '') ?? ''} (reconnecting…)`;
    },
  });

  const showDefaults = (t: TrainingDefaults) => {
    ($('epochs') as HTMLInputElement).value = String(t.epochs);
    ($('batchSize') as HTMLInputElement).value = String(t.batchSize);
    ($('optimizer') as HTMLSelectElement).value = t.optimizer;
    ($('trainLr') as HTMLInputElement).value = String(t.lr);
    ($('schedule') as HTMLSelectElement).value = t.schedule;
  };
  const fillDefaults = async (id: string) => {
    showDefaults(getModel(id).training);
    const summary = $('model-summary');
    try {
      const detail = await service.model(id);
      summary.textContent = `${detail.title}\n\n${detail.text}`;
      summary.hidden = false;
    } catch (error) {
      notice(plainMessage(error));
    }
  };

  try {
    const { models } = await service.models();
    for (const model of models) {
      const option = modelSelect.appendChild(document.createElement('option'));
      option.value = model.id;
      option.textContent = `${model.id} (${model.params.toLocaleString('en-US')} params)`;
    }
    if (models[0]) await fillDefaults(models[0].id);
  } catch (error) {
    notice(plainMessage(error));
    start.disabled = true;
    return null;
  }
  modelSelect.addEventListener('change', () => void fillDefaults(modelSelect.value));

  /** Starts a checked request's run and follows it; `design` is the spec a design run trains. */
  const startRun = async (request: CreateRunRequest, design?: ModelSpec): Promise<string> => {
    startable(false);
    try {
      status.textContent = 'Starting the run…';
      delete status.dataset.finished;
      const { id } = await service.createRun(request);
      if (design) designs.set(id, design);
      await follower.follow(id);
      return id;
    } catch (error) {
      startable(true);
      status.textContent = '';
      throw error;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      notice(null);
      try {
        await startRun(readRunRequest({ model: modelSelect.value }));
      } catch (error) {
        notice(plainMessage(error));
      }
    })();
  });
  cancel.addEventListener('click', () => {
    void follower.cancel().catch((error: unknown) => notice(plainMessage(error)));
  });

  try {
    if (await follower.resume()) {
      notice('Picked up the run this pane was following before it reloaded.', 'info');
      const config = follower.run?.config;
      if (config) {
        // A design's id names no built-in model: the select and its summary stay as they are.
        if (isBuiltInModel(config.model)) {
          modelSelect.value = config.model;
          await fillDefaults(config.model);
        }
        const set = (id: string, value: string | number | undefined) => (($(id) as HTMLInputElement).value = value === undefined ? '' : String(value));
        set('epochs', config.epochs);
        set('batchSize', config.batchSize);
        set('optimizer', config.optimizer);
        set('trainLr', config.lr);
        set('schedule', config.schedule);
        set('seed', config.seed);
        set('limitTrain', config.limitTrain);
        set('limitTest', config.limitTest);
      }
    }
  } catch (error) {
    notice(plainMessage(error));
  }

  return {
    showDefaults,
    train: (spec) => startRun(readRunRequest({ modelSpec: spec }), spec),
  };
}

/** The training form's fields as its labels name them in messages. */
const TRAINING_LABELS: Partial<Record<TrainingField, string>> = {
  model: 'Model',
  epochs: 'Epochs',
  batchSize: 'Batch size',
  optimizer: 'Optimizer',
  lr: 'Learning rate',
  schedule: 'Schedule',
  seed: 'Seed',
  limitTrain: 'Training images',
  limitTest: 'Test images',
};

/**
 * The form's text as the request the service takes, for a built-in model or a design,
 * checked by the same parser as the CLI and the service.
 */
function readRunRequest(model: { readonly model: string } | { readonly modelSpec: ModelSpec }): CreateRunRequest {
  const label = (field: TrainingField) => TRAINING_LABELS[field] ?? field;
  const text = (id: string) => ($(id) as HTMLInputElement).value.trim();
  const number = (id: string, field: TrainingField) => formNumber(label(field), text(id));
  const optional = (id: string, field: 'limitTrain' | 'limitTest') => (text(id) === '' ? {} : { [field]: number(id, field) });
  const request: CreateRunRequest = {
    ...model,
    epochs: number('epochs', 'epochs'),
    batchSize: number('batchSize', 'batchSize'),
    // The parser checks the choice against the allowed ones.
    optimizer: ($('optimizer') as HTMLSelectElement).value as OptimizerName,
    lr: number('trainLr', 'lr'),
    schedule: ($('schedule') as HTMLSelectElement).value as ScheduleName,
    seed: number('seed', 'seed'),
    ...optional('limitTrain', 'limitTrain'),
    ...optional('limitTest', 'limitTest'),
  };
  parseTrainingRequest(request, label);
  return request;
}
