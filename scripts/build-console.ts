/**
 * Builds the agent console (console/) into dist/console/: one minified script, one stylesheet and
 * index.html pointing at them by content hash. `npm run build:console` (part of `npm run build`)
 * prints the gzipped sizes; `npm start` and the test setup call `ensureConsoleBuilt()`, which builds
 * when dist/console is missing or older than its sources. The HTTP server only serves the result.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONSOLE_DIST } from '../src/api/routes/console';

const ROOT = resolve(__dirname, '..');
export const CONSOLE_SOURCE = join(ROOT, 'console');
export { CONSOLE_DIST };
/** The budget for everything the page loads, gzipped. */
export const BUDGET_BYTES = 100 * 1024;

export interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

export async function buildConsole(outDir = CONSOLE_DIST): Promise<BuiltFile[]> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(CONSOLE_SOURCE, 'main.ts'), join(CONSOLE_SOURCE, 'style.css')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    write: false,
    outdir: outDir,
    logLevel: 'silent',
  });
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) {
    const name = file.path.endsWith('.css') ? 'app.css' : 'app.js';
    files.set(name, file.contents);
  }
  const version = (name: string) => createHash('sha256').update(files.get(name)!).digest('hex').slice(0, 10);
  const html = (await readFile(join(CONSOLE_SOURCE, 'index.html'), 'utf8'))
    .replace('%APP_CSS%', `app.css?v=${version('app.css')}`)
    .replace('%APP_JS%', `app.js?v=${version('app.js')}`);
  files.set('index.html', Buffer.from(html));

  await mkdir(outDir, { recursive: true });
  const built: BuiltFile[] = [];
  // index.html last: its presence marks a complete build.
  for (const name of ['app.css', 'app.js', 'index.html']) {
    const contents = files.get(name)!;
    await writeFile(join(outDir, name), contents);
    built.push({ name, bytes: contents.byteLength, gzipBytes: gzipSync(contents, { level: 9 }).byteLength });
  }
  return built;
}

async function newestSource(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let newest = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestSource(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}

/** Builds dist/console unless it is there and newer than console/ (a deployment without console/ serves what it has). */
export async function ensureConsoleBuilt(outDir = CONSOLE_DIST): Promise<string> {
  const built = await stat(join(outDir, 'index.html')).catch(() => undefined);
  const sources = await newestSource(CONSOLE_SOURCE);
  if (!built || (sources > 0 && sources > built.mtimeMs)) await buildConsole(outDir);
  return outDir;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const files = await buildConsole();
  for (const f of files) console.log(`${f.name.padEnd(11)} ${kb(f.bytes).padStart(9)}  gzipped ${kb(f.gzipBytes).padStart(8)}`);
  const total = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  console.log(`total gzipped ${kb(total)} (budget ${kb(BUDGET_BYTES)}) → ${CONSOLE_DIST}`);
  if (total > BUDGET_BYTES) {
    console.error('over budget');
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
