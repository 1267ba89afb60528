// Development entry for the store's writer thread when Assay runs from its TypeScript sources (tests,
// tsx): registers tsx in this thread, then loads the real writer. Built code uses writer.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./writer.ts');
