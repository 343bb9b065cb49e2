import {
  GradSheetError,
  type ApiErrorBody,
  type BackpropWorkbookRequest,
  type CreateRunRequest,
  type CreateRunResponse,
  type DownloadLinkResponse,
  type ModelDetailResponse,
  type ModelListResponse,
  type ModelSpec,
  type Prediction,
  type RunAnalysis,
  type RunListResponse,
  type RunView,
  type SessionResponse,
} from '@gradsheet/shared';

/**
 * The training service, as the pane reaches it: same origin (the service serves the
 * pane), so no CORS or absolute URL is involved. A class's service asks for a token:
 * every request then carries it, and a 401 asks the learner for it (once, however many
 * requests were refused at the same time) and tries the request again.
 */

export const SERVICE_DOWN =
  'GradSheet’s service is not answering. Start it with “npx gradsheet serve” in a terminal, then try again.';

/** The service's own answer to a refused request: its sentence, with its status and GS_ERR_* code in `details`. */
export function serviceRefused(message: string, status: number, code?: string): GradSheetError {
  return new GradSheetError('SERVICE_REFUSED', message, { status, ...(code !== undefined ? { code } : {}) });
}

/** Where the pane keeps its token, and how it asks for one (the sign-in module). */
export interface Credentials {
  /** The token kept for this service, or null. */
  token(): string | null;
  /**
   * Asks the learner for a token and keeps it; resolves once they gave one.
   * `refused`: the one sent was not accepted (mistyped, or revoked), so it is forgotten first.
   */
  signIn(reason: 'needed' | 'refused'): Promise<void>;
}

let credentials: Credentials | null = null;
let signingIn: Promise<void> | null = null;

/** From now on, requests carry the token `c` keeps, and a 401 asks through `c`. */
export function useCredentials(c: Credentials): void {
  credentials = c;
}

/** One sign-in however many requests were refused together. */
function signIn(reason: 'needed' | 'refused'): Promise<void> {
  signingIn ??= (credentials as Credentials).signIn(reason).finally(() => (signingIn = null));
  return signingIn;
}

/** A request with the token, if any; after a 401 the learner is asked for a token and the request is sent again. */
async function authorized(path: string, init: RequestInit): Promise<Response> {
  for (;;) {
    const token = credentials?.token() ?? null;
    const headers = new Headers(init.headers);
    if (token !== null) headers.set('authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new GradSheetError('SERVICE_UNREACHABLE', SERVICE_DOWN);
    }
    if (response.status !== 401 || !credentials) return response;
    // A sign-in already under way may have brought a new token meanwhile: try that one first.
    if (signingIn === null && (credentials.token() ?? null) !== token) continue;
    await response.body?.cancel();
    await signIn(token === null ? 'needed' : 'refused');
  }
}

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await authorized(path, { ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });
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
  /** The report's URL for a link: signed by the service when requests need a token (a link cannot send one). */
  reportLink: async (id: string): Promise<string> =>
    credentials?.token() ? (await json<DownloadLinkResponse>(`/api/runs/${id}/report-link`)).url : service.reportUrl(id),
  eventsUrl: (id: string, afterEpoch: number) => `/api/runs/${id}/events${afterEpoch > 0 ? `?lastEventId=${afterEpoch}` : ''}`,
  /**
   * An event stream, with the token like every other request: the answer's body is
   * read as it arrives. `lastEventId` is sent as Last-Event-ID, as a browser's
   * EventSource does when it reconnects. An answer other than 200 is refused.
   */
  events: (url: string, lastEventId: string | null, signal: AbortSignal) =>
    send(url, { signal, headers: { accept: 'text/event-stream', 'cache-control': 'no-cache', ...(lastEventId !== null ? { 'last-event-id': lastEventId } : {}) } }),
  session: () => json<SessionResponse>('/api/session'),
  /** The backprop workbook as .xlsx, with the file name the service suggests. */
  backpropXlsx: (body: BackpropWorkbookRequest) => download('/api/backprop.xlsx', post(body), 'gradsheet-backprop.xlsx'),
  /** The learner's runs (every run, for a teacher or a service without accounts), newest first. */
  runs: () => json<RunListResponse>('/api/runs'),
  /** The model a run trains, as its folder keeps it: how a design run's title and parameters are known. */
  runModel: (id: string) => json<ModelSpec>(`/api/runs/${id}/model`),
  /** What a finished run learned: its confusion matrix, mistakes, and first layer's kernels. */
  analysis: (id: string) => json<RunAnalysis>(`/api/runs/${id}/analysis`),
  /** A drawn digit (28 rows of 28 values from 0 to 1) through a finished run's model. */
  predict: (id: string, grid: readonly (readonly number[])[]) => json<Prediction>(`/api/runs/${id}/predict`, post({ grid })),
  /** The compare workbook of these runs, with the file name the service suggests. */
  compareXlsx: (ids: readonly string[]) => download(`/api/runs/compare.xlsx?ids=${ids.map(encodeURIComponent).join(',')}`, {}, 'gradsheet-compare.xlsx'),
};

/** A file the service makes, with the name its Content-Disposition suggests. */
async function download(path: string, init: RequestInit, fallback: string): Promise<{ blob: Blob; filename: string }> {
  const response = await send(path, init);
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallback;
  return { blob: await response.blob(), filename };
}
