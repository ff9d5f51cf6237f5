// Standalone language server bundle (dist/server.js, shipped in the VS Code extension).
import { startServer } from './server';

startServer();
