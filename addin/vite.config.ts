import { defineConfig } from 'vite';

/** The task pane and the ribbon's function file, built into dist/ for the service to serve at its root. */
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Office's webviews: Edge WebView2 on Windows, WKWebView on Mac, and browsers for Excel on the web.
    target: 'es2020',
    rollupOptions: { input: { taskpane: 'taskpane.html', commands: 'commands.html' } },
  },
});
