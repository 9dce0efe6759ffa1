/**
 * The core and browser-mode server on one data folder, as a separate process for benchmarks that measure the
 * main process's CPU: argv <dataDir> <rendererDir>; prints one JSON line {url, pid} when ready; SIGTERM closes.
 */
import { createCore } from '../../../src-main/core/app-core.js';
import { startBrowserServer } from '../../../src-main/core/server/browser-server.js';

const [dataDir, rendererDir] = process.argv.slice(2);
const core = await createCore({ dataDir });
const server = await startBrowserServer({ core, rendererDir, log: (m) => console.error(m) });
// One launch address for the whole bench: opening it again in the signed-in browser just opens the app.
console.log(JSON.stringify({ url: server.newLaunchUrl(60 * 60_000), pid: process.pid }));
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => core.close())
    .finally(() => process.exit(0));
});
