import {
  GradSheetError,
  type ApiErrorBody,
  type BackpropWorkbookRequest,
  type CreateRunRequest,
  type CreateRunResponse,
  type ModelDetailResponse,
  type ModelListResponse,
  type RunView,
} from '@gradsheet/shared';

/**
 * The training service, as the pane reaches it: same origin (the service serves the
 * pane), so no token, CORS or absolute URL is involved.
 */

export const SERVICE_DOWN =
  'GradSheet’s service is not answering. Start it with “npx gradsheet serve” in a terminal, then try again.';

/** The service's own answer to a refused request: its sentence, with its status and GS_ERR_* code in `details`. */
export function serviceRefused(message: string, status: number, code?: string): GradSheetError {
  return new GradSheetError('SERVICE_REFUSED', message, { status, ...(code !== undefined ? { code } : {}) });
}

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });
  } catch {
    throw new GradSheetError('SERVICE_UNREACHABLE', SERVICE_DOWN);
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as Partial<ApiErrorBody> | null;
  // A proxy or a stopped service behind one answers 502/503/504 without our error body.
  if (!body?.message && response.status >= 502) throw new GradSheetError('SERVICE_UNREACHABLE', SERVICE_DOWN, { status: response.status });
  throw serviceRefused(body?.message ?? `The service answered ${response.status} ${response.statusText}`, response.status, body?.code);
}

const json = async <T>(path: string, init?: RequestInit): Promise<T> => (await send(path, init)).json() as Promise<T>;
const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });

export const service = {
  models: () => json<ModelListResponse>('/api/models'),
  model: (id: string) => json<ModelDetailResponse>(`/api/models/${encodeURIComponent(id)}`),
  createRun: (request: CreateRunRequest) => json<CreateRunResponse>('/api/runs', post(request)),
  run: (id: string) => json<RunView>(`/api/runs/${id}`),
  cancelRun: (id: string) => json<RunView>(`/api/runs/${id}/cancel`, { method: 'POST' }),
  reportUrl: (id: string) => `/api/runs/${id}/report.xlsx`,
  eventsUrl: (id: string, afterEpoch: number) => `/api/runs/${id}/events${afterEpoch > 0 ? `?lastEventId=${afterEpoch}` : ''}`,
  /** The backprop workbook as .xlsx, with the file name the service suggests. */
  async backpropXlsx(body: BackpropWorkbookRequest): Promise<{ blob: Blob; filename: string }> {
    const response = await send('/api/backprop.xlsx', post(body));
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'gradsheet-backprop.xlsx';
    return { blob: await response.blob(), filename };
  },
};
