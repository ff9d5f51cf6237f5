// Standalone language server bundle (dist/server.js, shipped in the VS Code extension). The same
// bundle is loaded again as the server's analysis owner (a worker thread).
import { runOwnerIfWorker } from './ownerClient';
import { startServer } from './server';

if (!runOwnerIfWorker()) startServer();
