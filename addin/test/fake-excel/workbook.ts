/** The workbook and its defined names, which follow Excel's rules for names. */
import type { FakeRequestContext } from './context.js';
import { FakeExcelError, payloadSize, requireLoaded } from './errors.js';
import { definedNameProblem } from './naming.js';
import { workbookProtection, type FakeWorkbookProtection } from './protection.js';
import type { FakeRange } from './ranges.js';
import { FakeWorksheetCollection } from './worksheets.js';

export class FakeWorkbook {
  readonly worksheets: FakeWorksheetCollection;
  readonly names: FakeNamedItemCollection;
  readonly protection: FakeWorkbookProtection;

  constructor(context: FakeRequestContext) {
    this.worksheets = new FakeWorksheetCollection(context);
    this.names = new FakeNamedItemCollection(context);
    this.protection = workbookProtection(context);
  }
}

/** Workbook-scoped defined names; Excel compares names without regard to case. */
export class FakeNamedItemCollection {
  constructor(private readonly context: FakeRequestContext) {}

  add(name: string, reference: FakeRange | string): { name: string } {
    this.context.record(`Names.add ${name}`, payloadSize(name), true);
    if (typeof reference === 'string') throw new FakeExcelError('InvalidArgument', 'the fake takes names of ranges only');
    const taken = Object.keys(this.context.state.names).some((n) => n.toLowerCase() === name.toLowerCase());
    const problem = definedNameProblem(name);
    if (problem) this.context.fail('InvalidArgument', problem);
    else if (taken) this.context.fail('ItemAlreadyExists', `the name "${name}" exists`);
    else this.context.state.names[name] = reference.area;
    return { name };
  }

  getItemOrNullObject(name: string): { readonly isNullObject: boolean; delete(): void } {
    this.context.record(`Names.getItemOrNullObject ${name}`, payloadSize(name));
    const context = this.context;
    const key = Object.keys(context.state.names).find((n) => n.toLowerCase() === name.toLowerCase());
    const loadState = { loaded: false };
    context.willLoad(loadState);
    return {
      get isNullObject() {
        requireLoaded(loadState, 'NamedItem.isNullObject');
        return key === undefined;
      },
      delete() {
        context.record(`NamedItem.delete ${name}`, 0, true);
        if (key === undefined) context.fail('ItemNotFound', `there is no name "${name}"`);
        else delete context.state.names[key];
      },
    };
  }
}

