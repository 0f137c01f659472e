// The helper thread when firstaid runs from its TypeScript sources (tests, tsx): Node 20 does
// not hand a loader registered with --import to worker threads, so this one loads tsx itself.
const { tsImport } = await import('tsx/esm/api');
await tsImport('./copy-worker.ts', import.meta.url);
