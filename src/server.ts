/** `npm run api`: the HTTP server alone, for production-like runs. */
import { runMain } from './main';

runMain({ worker: false, api: true });
