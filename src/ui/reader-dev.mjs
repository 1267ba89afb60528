// Development entry for the dashboard's reader thread when Assay runs from its TypeScript sources (tests,
// tsx): registers tsx in this thread, then loads the real reader. Built code uses reader-thread.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./reader-thread.ts');
