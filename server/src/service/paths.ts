import envPaths from 'env-paths';

/**
 * Where GradSheet keeps things, by each system's convention (XDG on Linux,
 * ~/Library on macOS, %APPDATA% / %LOCALAPPDATA% on Windows).
 */
const paths = envPaths('gradsheet', { suffix: '' });

/** Runs: `runs/<id>/` with run.json, config, metrics and weights. */
export function defaultDataDir(): string {
  return paths.data;
}

/** Settings and the localhost certificates. */
export function defaultConfigDir(): string {
  return paths.config;
}
