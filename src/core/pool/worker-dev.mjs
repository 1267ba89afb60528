// Development entry for worker threads when Assay runs from its TypeScript sources (tests, tsx):
// registers tsx in this thread, then loads the real worker. Built code uses worker.js directly.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker.ts');
export default worker.default;
