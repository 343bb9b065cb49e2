import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The house rules of docs/architecture.md, held against the imports themselves: no
 * import circle in any workspace, and no import from a lower layer to a higher one.
 * Tests are not part of the house: they may import anything.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every source file of a workspace (tests left out), by its path from the root. */
function sources(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name)) files.push(relative(ROOT, path));
    }
  };
  walk(join(ROOT, folder));
  return files;
}

/** The files a file imports by a relative path (static imports, re-exports and import() alike). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1] as string);
  return found.map((specifier) => relative(ROOT, resolve(ROOT, dirname(file), specifier.replace(/\.js$/, '.ts'))));
}

function graphOf(folder: string): Map<string, string[]> {
  const files = new Set(sources(folder));
  return new Map([...files].map((file) => [file, importsOf(file).filter((target) => files.has(target))]));
}

/** Tarjan's strongly connected components with more than one file: the import circles. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) as number, low.get(target) as number));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file) as number, index.get(target) as number));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

/** The imports from one folder into another. */
function crossings(graph: Map<string, string[]>, from: string, to: string): string[] {
  return [...graph].flatMap(([file, targets]) => (file.startsWith(from) ? targets.filter((t) => t.startsWith(to)).map((t) => `${file} -> ${t}`) : []));
}

describe('the house rules', () => {
  it.each(['shared/src', 'server/src', 'addin/src'])('%s has no import circle', (folder) => {
    expect(circles(graphOf(folder))).toEqual([]);
  });

  it('keeps the server’s layers in order: nothing below cli and service imports them, and the engine imports neither runs nor analysis', () => {
    const graph = graphOf('server/src');
    const lower = ['io', 'xlsx', 'mnist', 'teacher', 'engine', 'analysis', 'designer', 'runs'].map((f) => `server/src/${f}/`);
    const upward = lower.flatMap((from) => [...crossings(graph, from, 'server/src/cli/'), ...crossings(graph, from, 'server/src/service/')]);
    expect(upward).toEqual([]);
    expect(crossings(graph, 'server/src/service/', 'server/src/cli/')).toEqual([]);
    expect([...crossings(graph, 'server/src/engine/', 'server/src/runs/'), ...crossings(graph, 'server/src/engine/', 'server/src/analysis/')]).toEqual([]);
  });

  it('keeps shared pure: no Node module, and nothing of the server or the add-in', () => {
    const impure = sources('shared/src').filter((file) => /from ['"](node:|fs['"]|path['"])|from ['"][^'"]*(server|addin)\//.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(impure).toEqual([]);
  });

  it('finds a circle and an upward import when there is one (the checks can fail)', () => {
    expect(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
    expect(crossings(new Map([['server/src/io/x.ts', ['server/src/cli/y.ts']]]), 'server/src/io/', 'server/src/cli/')).toEqual([
      'server/src/io/x.ts -> server/src/cli/y.ts',
    ]);
  });
});
