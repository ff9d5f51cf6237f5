// Standalone language server bundle (dist/server.js, shipped in the VS Code extension). The same
// bundle is loaded again as the server's checking thread.
import { runCheckWorkerIfWorker } from './checker';
import { startServer } from './server';

if (!runCheckWorkerIfWorker()) startServer();
