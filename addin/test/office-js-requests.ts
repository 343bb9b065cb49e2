/**
 * Microsoft's own Office.js client library, run without Excel, to measure requests.
 *
 * `@microsoft/office-js` is the library Excel loads from Microsoft's CDN. Its request
 * context queues every call as Excel would receive it and, at `context.sync()`, hands
 * the request body to a request executor, which in Excel on the web posts it as JSON.
 * Here the executor keeps each body and answers as a workbook without GradSheet's
 * sheets would: no sheet or name exists yet, the workbook is not protected, Excel
 * calculates by itself, and charts start with one series of their own. The sizes are
 * then those of the real requests, in the UTF-8 bytes that go over the wire, not the
 * fake's estimate.
 *
 * The library needs nothing of a browser but `window` to queue and serialise.
 */
import library from '@microsoft/office-js/dist/excel-web-16.00.debug.js?raw';

/** How the stand-in for Excel answers the writer's questions. */
export interface RequestAnswers {
  /** Whether one formula written to two cells reads back in both (fill-mode.ts asks this once per session). */
  readonly fillsFromOneValue: boolean;
  /** How many series Excel makes by itself when a chart is added. */
  readonly inferredSeries: number;
}

export interface MeasuredRequests {
  /** An Excel.RequestContext of Microsoft's library; its syncs go to the stand-in. */
  readonly context: Excel.RequestContext;
  /** The body of each request, in UTF-8 bytes, in order. */
  readonly bytes: number[];
  /** How many calls (actions) each request carried. */
  readonly actions: number[];
}

interface Action {
  readonly Id: number;
  readonly ActionType: number;
  readonly ObjectPathId: number;
  readonly QueryInfo?: { readonly Select?: readonly string[] };
}
interface ObjectPath {
  readonly ObjectPathType: number;
  readonly Name: string;
  readonly ArgumentInfo?: { readonly Arguments?: readonly unknown[] };
}
interface RequestBody {
  readonly Actions: readonly Action[];
  readonly ObjectPaths: Readonly<Record<string, ObjectPath>>;
}

/** Office.js' action and object path types (OfficeExtension.ActionType, ObjectPathType). */
const INSTANTIATE = 1;
const QUERY = 2;
const METHOD = 3;
const METHOD_PATH = 3;

/**
 * Microsoft's Excel namespace. The CDN's script is evaluated once, when this module is
 * imported, at the global scope as a page's script tag would run it, with `window`
 * standing for the global object; vitest gives each test file a process of its own, so
 * no other test sees it. The script defines a global `Office` of its own: a test that
 * stands for an Excel of some age stubs `Office` after importing this module.
 */
const OfficeJsExcel: typeof Excel = (() => {
  const scope = globalThis as Record<string, unknown>;
  scope.window ??= globalThis;
  scope.navigator ??= { userAgent: 'GradSheet tests' };
  (0, eval)(library);
  return scope.Excel as typeof Excel;
})();

const utf8 = new TextEncoder();

/** A stable id of Excel's shape ({GUID}) for an object made in a request, so that later requests can name it. */
const objectId = (n: number) => `{00000000-0000-0000-0000-${String(n).padStart(12, '0')}}`;

/** The answer of one action, as Excel's response gives it; undefined where Excel gives none. */
function answer(action: Action, body: RequestBody, answers: RequestAnswers): unknown {
  const path = body.ObjectPaths[String(action.ObjectPathId)];
  if (action.ActionType === INSTANTIATE) {
    if (path?.ObjectPathType !== METHOD_PATH) return undefined;
    // Nothing of the plan exists yet: every getItemOrNullObject finds nothing.
    if (path.Name === 'GetItemOrNullObject') return null;
    return { _ReferenceId: objectId(action.Id) };
  }
  if (action.ActionType === QUERY) {
    const value: Record<string, unknown> = {};
    for (const property of action.QueryInfo?.Select ?? []) {
      if (property === 'protected') value.Protected = false;
      else if (property === 'calculationMode') value.CalculationMode = 'Automatic';
      else if (property === 'formulasR1C1') {
        const [, , rows = 1, cols = 1] = (path?.ArgumentInfo?.Arguments ?? []) as number[];
        value.FormulasR1C1 = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, () => (answers.fillsFromOneValue || r === 0 ? '=1' : '')));
      }
    }
    return value;
  }
  return undefined;
}

/**
 * A request context of Microsoft's library whose requests are measured and answered
 * by the stand-in for Excel described above.
 */
export function measuredContext(answers: RequestAnswers): MeasuredRequests {
  const context = new OfficeJsExcel.RequestContext('https://excel.invalid/');
  const bytes: number[] = [];
  const actions: number[] = [];
  (context as unknown as { _requestExecutor: unknown })._requestExecutor = {
    executeAsync(_customData: unknown, _flags: number, message: { Body: RequestBody }) {
      const body = message.Body;
      // Excel on the web receives exactly this JSON (RichApiMessageUtility serialises the body so).
      bytes.push(utf8.encode(JSON.stringify(body)).length);
      actions.push(body.Actions.length);
      const results = body.Actions.flatMap((action) => {
        // A method call that returns a value: here, only ChartSeriesCollection.getCount.
        if (action.ActionType === METHOD) return [{ ActionId: action.Id, Value: answers.inferredSeries }];
        const value = answer(action, body, answers);
        return value === undefined ? [] : [{ ActionId: action.Id, Value: value }];
      });
      return Promise.resolve({ HttpStatusCode: 200, ErrorCode: '', ErrorMessage: '', Headers: {}, Body: { Results: results } });
    },
  };
  return { context, bytes, actions };
}
