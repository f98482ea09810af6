/** What tests/global-setup.ts provides to every test file (vitest `inject`). */
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCli: string;
    workflowBundlePath: string;
    postgresUrl: string;
    tmpDir: string;
  }
}
