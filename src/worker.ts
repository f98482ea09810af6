/** `npm run worker`: the Temporal worker alone, for production-like runs. */
import { runMain } from './main';

runMain({ worker: true, api: false });
