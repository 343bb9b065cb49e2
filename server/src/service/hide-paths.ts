/**
 * Answers and run records may reach any client, who must not learn where the
 * server keeps its files. Node's file errors name whole paths
 * ("ENOENT: no such file or directory, open '/srv/gradsheet/runs/…/weights-epoch-3.json'");
 * hidePaths keeps the file's own name, which says what is missing, and drops the
 * folders. Meant for error messages: a URL path in one is cut the same way.
 */

const DRIVE = '(?:[A-Za-z]:)?';
/** A quoted absolute path, spaces and all, as Node quotes them: '/a b/c', 'C:\a b\c'. */
const QUOTED_PATH = new RegExp(`(['"\`])(${DRIVE}[\\\\/][^'"\`\\n]*)\\1`, 'g');
/**
 * An unquoted absolute path, POSIX (/a/b) or Windows (C:\a\b, \\server\share\b), not
 * preceded by what would make it part of a word, a URL (https://…) or a relative path.
 */
const BARE_PATH = new RegExp(`(?<![\\w.:/\\\\~-])${DRIVE}(?:[\\\\/]{1,2}[^\\\\/\\s'"\`<>|]+)+[\\\\/]?`, 'g');

const lastName = (path: string): string => path.split(/[\\/]+/).filter((name) => name !== '').at(-1) ?? '';

/** The message with every absolute path cut to its last name ("/srv/runs/x/metrics.jsonl" → "metrics.jsonl"). */
export function hidePaths(message: string): string {
  return message.replace(QUOTED_PATH, (_match, quote: string, path: string) => `${quote}${lastName(path)}${quote}`).replace(BARE_PATH, lastName);
}
