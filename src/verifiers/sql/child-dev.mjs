// Development entry for the SQL engine process when Assay runs from its TypeScript sources (tests, tsx):
// registers tsx, then loads the real entry. Built code runs child.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./child.ts');
