/**
 * One SVG figure (small multiples) of the load benchmark's results, for the README on GitHub.
 *
 *   npx tsx bench/plot.ts
 *   PLOT_INPUT=bench/results/load.json PLOT_TUNING=bench/results/tuning.json PLOT_OUTPUT=bench/results/load.svg npx tsx bench/plot.ts
 *
 * Reads bench/results/load.json (written by bench/load.ts) and, when it exists,
 * bench/results/tuning.json: an array of tuning steps in the order they were applied, each
 * `{ label, throughputRatio, ... }`. Panels: throughput, end-to-end latency, webhook ack latency at
 * half rate, memory of waiting tasks and, with tuning.json, the throughput ratio per tuning step.
 * Each target is drawn as a dashed line; a panel's title says whether `targets` in load.json
 * marks it met. Fields beyond the ones drawn are optional. No dependencies beyond node: built-ins.
 *
 * Writes bench/results/load.svg.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const INPUT = path.resolve(process.env.PLOT_INPUT ?? path.join(ROOT, 'bench/results/load.json'));
const TUNING = path.resolve(process.env.PLOT_TUNING ?? path.join(ROOT, 'bench/results/tuning.json'));
const OUTPUT = path.resolve(process.env.PLOT_OUTPUT ?? path.join(ROOT, 'bench/results/load.svg'));

/** The thresholds bench/load.ts judges its targets on (load.json states them only as text). */
const TARGET = { throughputRatio: 0.8, e2eP50OverBaselineMs: 150, ackP99Ms: 50, waitingRssMb: 200 };

const TITLE = 'Load: the pipeline next to a bare Temporal workflow';
const WIDTH = 960;
const HEIGHT = 560;
const MARGIN = 16;
const GAP = 14;
const HEADER = 52;
const FOOTER = 28;
const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif";
/** Average glyph width of the sans-serif fonts above, in ems (for wrapping and fitting text). */
const CHAR_EM = 0.6;
const COLOR = {
  text: '#1f2328',
  muted: '#59636e',
  border: '#d1d9e0',
  grid: '#eaeef2',
  pipeline: '#0969da',
  baseline: '#8c959f',
  target: '#bc4c00',
  met: '#1a7f37',
  missed: '#d1242f',
};

// ---------------------------------------------------------------------------------------------
// Input

type Json = unknown;

/** The value at a dotted path (`a.b.c`), or undefined when any step is missing. */
function pick(json: Json, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), json);
}

function optNumber(json: Json, key: string): number | undefined {
  const v = pick(json, key);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function optString(json: Json, key: string): string | undefined {
  const v = pick(json, key);
  return typeof v === 'string' ? v : undefined;
}

function requiredNumber(json: Json, key: string, file: string): number {
  const v = optNumber(json, key);
  if (v === undefined) throw new Error(`${file}: ${key} is missing or not a number`);
  return v;
}

/** Whether load.json's `targets[key]` is met; undefined when it does not say. */
function targetMet(load: Json, key: string): boolean | undefined {
  const met = pick(load, `targets.${key}.met`);
  return typeof met === 'boolean' ? met : undefined;
}

interface TuningStep {
  label: string;
  throughputRatio: number;
  pipelineMsgsPerSec: number;
  baselineWfPerSec: number;
}

function readJson(file: string): Json {
  return JSON.parse(readFileSync(file, 'utf8')) as Json;
}

/** The tuning steps, or undefined when there is no tuning.json (or it is empty). */
function readTuning(file: string): TuningStep[] | undefined {
  if (!existsSync(file)) return undefined;
  const steps = readJson(file);
  if (!Array.isArray(steps)) throw new Error(`${file}: expected an array of tuning steps`);
  const valid = steps.map((step: Json, i) => ({
    label: optString(step, 'label') ?? `step ${i + 1}`,
    throughputRatio: requiredNumber(step, 'throughputRatio', `${file}[${i}]`),
    pipelineMsgsPerSec: requiredNumber(step, 'pipelineMsgsPerSec', `${file}[${i}]`),
    baselineWfPerSec: requiredNumber(step, 'baselineWfPerSec', `${file}[${i}]`),
  }));
  return valid.length > 0 ? valid : undefined;
}

// ---------------------------------------------------------------------------------------------
// SVG primitives

type Attrs = Record<string, string | number>;

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function el(name: string, attrs: Attrs, children?: string): string {
  const list = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? String(round(v)) : v)}"`)
    .join('');
  return children === undefined ? `<${name}${list}/>` : `<${name}${list}>${children}</${name}>`;
}

function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, escapeXml(content));
}

const round = (n: number) => Math.round(n * 10) / 10;

/** 1,047 / 558.1 / 13.79 / 0.706 */
function fmt(n: number): string {
  const digits = Math.abs(n) < 1 ? 3 : Math.abs(n) < 100 ? 2 : Math.abs(n) < 1000 ? 1 : 0;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

const textWidth = (s: string, fontSize: number) => s.length * fontSize * CHAR_EM;

/** Word-wraps `s` to lines of at most `maxChars`, at most `maxLines` (the last one cut with …). */
function wrap(s: string, maxChars: number, maxLines = 3): string[] {
  const lines: string[] = [];
  const words = s.split(/\s+/).flatMap((word) => word.match(new RegExp(`.{1,${maxChars}}`, 'gu')) ?? []);
  for (const word of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= maxChars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const fitted = lines.slice(0, maxLines);
  if (lines.length > maxLines) fitted[maxLines - 1] = `${fitted[maxLines - 1]!.slice(0, maxChars - 1)}…`;
  return fitted;
}

/** An axis from 0 to a round number above `max`, with 3–6 ticks. */
function niceAxis(max: number): { top: number; step: number } {
  const raw = Math.max(max, 1e-9) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  return { top: Math.ceil((max * 1.12) / step) * step, step };
}

// ---------------------------------------------------------------------------------------------
// Panels

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Bar {
  value: number;
  color: string;
}

interface Group {
  label: string;
  bars: Bar[];
}

interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
}

interface BarPanel {
  title: string;
  /** Whether the panel's target is met; no mark when undefined. */
  met?: boolean;
  subtitle: string;
  yLabel: string;
  groups: Group[];
  legend: LegendItem[];
  /** The target's dashed line, across the whole plot or only over the group at `group`; none when undefined. */
  target?: { value: number; group?: number };
}

/** The title, then whether the target is met in green or red; smaller when it would not fit `width`. */
function panelTitle(x: number, y: number, width: number, title: string, met: boolean | undefined): string {
  const status = met === undefined ? '' : met ? ' · target met' : ' · target missed';
  const fontSize = Math.min(14, width / ((title.length + status.length) * CHAR_EM));
  const mark = status && el('tspan', { fill: met ? COLOR.met : COLOR.missed }, escapeXml(status));
  return el('text', { x, y, 'font-size': fontSize, 'font-weight': 600, fill: COLOR.text }, `${escapeXml(title)}${mark}`);
}

function legend(x: number, y: number, items: LegendItem[]): string {
  let cx = x;
  return items
    .map((item) => {
      const swatch = item.dashed
        ? el('line', { x1: cx, y1: y - 4, x2: cx + 16, y2: y - 4, stroke: item.color, 'stroke-width': 2, 'stroke-dasharray': '4 3' })
        : el('rect', { x: cx + 3, y: y - 9, width: 10, height: 10, rx: 2, fill: item.color });
      const label = text(cx + 20, y, item.label, { 'font-size': 11, fill: COLOR.muted });
      cx += 20 + textWidth(item.label, 11) + 12;
      return swatch + label;
    })
    .join('');
}

/** A titled bar chart in `rect`: grouped bars with value labels, y grid, wrapped group labels. */
function barPanel(rect: Rect, panel: BarPanel): string {
  const pad = 12;
  const labelFont = 11;
  const plotLeft = rect.x + 54;
  const plotRight = rect.x + rect.w - pad;
  const slot = (plotRight - plotLeft) / panel.groups.length;
  const maxChars = Math.max(4, Math.floor((slot - 4) / (labelFont * CHAR_EM)));
  const groupLabels = panel.groups.map((g) => wrap(g.label, maxChars));
  const labelLines = Math.max(...groupLabels.map((lines) => lines.length));
  const plotTop = rect.y + 78;
  const plotBottom = rect.y + rect.h - pad - labelLines * 13 - 2;
  const values = panel.groups.flatMap((g) => g.bars.map((b) => b.value));
  const axis = niceAxis(Math.max(...values, panel.target?.value ?? 0));
  const yOf = (v: number) => plotBottom - (Math.max(0, v) / axis.top) * (plotBottom - plotTop);

  const parts: string[] = [
    el('rect', { x: rect.x, y: rect.y, width: rect.w, height: rect.h, rx: 6, fill: '#ffffff', stroke: COLOR.border }),
    panelTitle(rect.x + pad, rect.y + 22, rect.w - 2 * pad, panel.title, panel.met),
    text(rect.x + pad, rect.y + 40, panel.subtitle, { 'font-size': 11, fill: COLOR.muted }),
    legend(rect.x + pad, rect.y + 58, panel.legend),
  ];

  for (let v = 0; v <= axis.top + axis.step / 1000; v += axis.step) {
    const y = yOf(v);
    parts.push(el('line', { x1: plotLeft, y1: y, x2: plotRight, y2: y, stroke: v === 0 ? COLOR.muted : COLOR.grid }));
    parts.push(text(plotLeft - 6, y + 4, fmt(v), { 'font-size': 10, fill: COLOR.muted, 'text-anchor': 'end' }));
  }
  const yMid = (plotTop + plotBottom) / 2;
  parts.push(
    text(rect.x + 14, yMid, panel.yLabel, {
      'font-size': 11,
      fill: COLOR.muted,
      'text-anchor': 'middle',
      transform: `rotate(-90 ${round(rect.x + 14)} ${round(yMid)})`,
    }),
  );

  const valueLabels: string[] = [];
  panel.groups.forEach((group, gi) => {
    const barWidth = Math.min(44, (slot * 0.72) / group.bars.length);
    const start = plotLeft + gi * slot + (slot - barWidth * group.bars.length) / 2;
    group.bars.forEach((bar, bi) => {
      const x = start + bi * barWidth;
      const y = yOf(bar.value);
      parts.push(el('rect', { x: x + 1, y, width: barWidth - 2, height: plotBottom - y, fill: bar.color }));
      valueLabels.push(
        text(x + barWidth / 2, y - 4, fmt(bar.value), {
          'font-size': 10,
          'font-weight': 600,
          fill: COLOR.text,
          'text-anchor': 'middle',
          stroke: '#ffffff',
          'stroke-width': 3,
          'paint-order': 'stroke',
        }),
      );
    });
    groupLabels[gi]!.forEach((line, li) => {
      parts.push(text(plotLeft + (gi + 0.5) * slot, plotBottom + 14 + li * 13, line, { 'font-size': labelFont, fill: COLOR.text, 'text-anchor': 'middle' }));
    });
  });

  if (panel.target) {
    const { value, group } = panel.target;
    const [x1, x2] = group === undefined ? [plotLeft, plotRight] : [plotLeft + group * slot + 4, plotLeft + (group + 1) * slot - 4];
    parts.push(el('line', { x1, y1: yOf(value), x2, y2: yOf(value), stroke: COLOR.target, 'stroke-width': 2, 'stroke-dasharray': '6 4' }));
  }
  return el('g', {}, [...parts, ...valueLabels].join(''));
}

function throughputPanel(load: Json): BarPanel {
  const ratio = requiredNumber(load, 'throughputRatio', INPUT);
  const baseline = requiredNumber(load, 'baselineWfPerSec', INPUT);
  const target = baseline * TARGET.throughputRatio;
  return {
    title: 'Throughput',
    met: targetMet(load, 'throughputRatio'),
    subtitle: `pipeline ÷ baseline = ${fmt(ratio)} (target ≥ ${TARGET.throughputRatio})`,
    yLabel: 'per second',
    groups: [
      { label: 'pipeline msgs/s', bars: [{ value: requiredNumber(load, 'pipelineMsgsPerSec', INPUT), color: COLOR.pipeline }] },
      { label: 'baseline workflows/s', bars: [{ value: baseline, color: COLOR.baseline }] },
    ],
    legend: [{ label: `${TARGET.throughputRatio * 100}% of baseline = ${fmt(target)}/s`, color: COLOR.target, dashed: true }],
    target: { value: target },
  };
}

function e2ePanel(load: Json): BarPanel {
  const baselineP50 = requiredNumber(load, 'baselineE2eP50Ms', INPUT);
  const target = baselineP50 + TARGET.e2eP50OverBaselineMs;
  return {
    title: 'End-to-end latency',
    met: targetMet(load, 'e2eP50OverBaselineMs'),
    subtitle: `open loop, both at the same rate`,
    yLabel: 'ms',
    groups: [
      {
        label: 'p50',
        bars: [
          { value: requiredNumber(load, 'e2eP50Ms', INPUT), color: COLOR.pipeline },
          { value: baselineP50, color: COLOR.baseline },
        ],
      },
      {
        label: 'p99',
        bars: [
          { value: requiredNumber(load, 'e2eP99Ms', INPUT), color: COLOR.pipeline },
          { value: requiredNumber(load, 'baselineE2eP99Ms', INPUT), color: COLOR.baseline },
        ],
      },
    ],
    legend: [
      { label: 'pipeline', color: COLOR.pipeline },
      { label: 'baseline', color: COLOR.baseline },
      { label: `${fmt(target)} ms`, color: COLOR.target, dashed: true },
    ],
    target: { value: target, group: 0 },
  };
}

function ackPanel(load: Json): BarPanel {
  const rate = requiredNumber(load, 'pipeline.halfRate.achievedMsgsPerSec', INPUT);
  return {
    title: 'Webhook ack',
    met: targetMet(load, 'ackP99AtHalfMaxMs'),
    subtitle: `at half rate: open loop, ${fmt(rate)} msgs/s`,
    yLabel: 'ms',
    groups: [
      { label: 'p50', bars: [{ value: requiredNumber(load, 'pipeline.halfRate.ackP50Ms', INPUT), color: COLOR.pipeline }] },
      { label: 'p99', bars: [{ value: requiredNumber(load, 'pipeline.halfRate.ackP99Ms', INPUT), color: COLOR.pipeline }] },
    ],
    legend: [{ label: `p99 target ≤ ${TARGET.ackP99Ms} ms`, color: COLOR.target, dashed: true }],
    target: { value: TARGET.ackP99Ms, group: 1 },
  };
}

function memoryPanel(load: Json): BarPanel {
  const tasks = optNumber(load, 'waiting.tasks');
  const rss = requiredNumber(load, 'waitingTasksWorkerRssMb', INPUT);
  const apiBefore = optNumber(load, 'waiting.apiRssBeforeMb');
  const apiAfter = optNumber(load, 'waiting.apiRssAfterMb');
  const groups: Group[] = [{ label: 'worker', bars: [{ value: rss, color: COLOR.pipeline }] }];
  if (apiBefore !== undefined && apiAfter !== undefined)
    groups.push({ label: 'API', bars: [{ value: Math.round((apiAfter - apiBefore) * 10) / 10, color: COLOR.baseline }] });
  return {
    title: 'Memory',
    met: targetMet(load, 'waitingTasksWorkerRssMb'),
    subtitle: `RSS growth, ${tasks === undefined ? 'tasks' : `${fmt(tasks)} tasks`} waiting on people`,
    yLabel: 'MB',
    groups,
    legend: [{ label: `RSS target ≤ ${TARGET.waitingRssMb} MB`, color: COLOR.target, dashed: true }],
    target: { value: TARGET.waitingRssMb, group: 0 },
  };
}

function tuningPanel(steps: TuningStep[]): BarPanel {
  return {
    title: 'Throughput per tuning step (each its own run)',
    subtitle: 'pipeline and baseline measured in the same run; ratio in brackets',
    yLabel: 'per second',
    groups: steps.map((step, i) => ({
      label: `${i + 1}. ${step.label} (${fmt(step.throughputRatio)})`,
      bars: [
        { value: step.pipelineMsgsPerSec, color: COLOR.pipeline },
        { value: step.baselineWfPerSec, color: COLOR.baseline },
      ],
    })),
    legend: [
      { label: 'pipeline msgs/s', color: COLOR.pipeline },
      { label: 'baseline workflows/s', color: COLOR.baseline },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Figure

/**
 * Two rows. Four panels: two a row. Five: three on the first row; on the second, one panel and
 * then the last (the tuning steps) over the two columns left.
 */
function layout(count: number): Rect[] {
  const columns = count > 4 ? 3 : 2;
  const rowHeight = (HEIGHT - HEADER - FOOTER - GAP) / 2;
  const colWidth = (WIDTH - 2 * MARGIN - (columns - 1) * GAP) / columns;
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / columns);
    const x = MARGIN + (i % columns) * (colWidth + GAP);
    const last = i === count - 1;
    return { x, y: HEADER + row * (rowHeight + GAP), w: last ? WIDTH - MARGIN - x : colWidth, h: rowHeight };
  });
}

function footer(load: Json): string {
  const cpus = optNumber(load, 'machine.cpus');
  const cpuModel = optString(load, 'machine.cpuModel');
  const memoryGiB = optNumber(load, 'machine.memoryGiB');
  const node = optString(load, 'machine.node');
  const machine = [
    [cpus === undefined ? undefined : `${cpus} CPUs`, cpuModel].filter(Boolean).join(' × '),
    memoryGiB === undefined ? undefined : `${memoryGiB} GiB RAM`,
    optString(load, 'machine.platform'),
    node === undefined ? undefined : `Node ${node}`,
  ].filter(Boolean);
  const at = optString(load, 'at');
  const when = at === undefined || Number.isNaN(Date.parse(at)) ? at : `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const line = [`Machine: ${machine.join(', ')}`, when === undefined ? undefined : `run ${when}`, 'bench/load.ts'].filter(Boolean).join(' · ');
  return text(MARGIN, HEIGHT - 10, line, { 'font-size': 11, fill: COLOR.muted });
}

function figure(load: Json, tuning: TuningStep[] | undefined): string {
  const panels = [throughputPanel(load), e2ePanel(load), ackPanel(load), memoryPanel(load)];
  if (tuning) panels.push(tuningPanel(tuning));
  const rects = layout(panels.length);
  const database = optString(load, 'database');
  const body = [
    el('title', {}, escapeXml(TITLE)),
    el('rect', { width: WIDTH, height: HEIGHT, fill: '#ffffff' }),
    text(MARGIN, 26, TITLE, { 'font-size': 18, 'font-weight': 600, fill: COLOR.text }),
    text(MARGIN, 43, `Same dev server, same run${database ? ` · database ${database}` : ''} · dashed lines are targets`, {
      'font-size': 12,
      fill: COLOR.muted,
    }),
    ...panels.map((panel, i) => barPanel(rects[i]!, panel)),
    footer(load),
  ].join('\n');
  return `${el('svg', { xmlns: 'http://www.w3.org/2000/svg', width: WIDTH, height: HEIGHT, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, 'font-family': FONT, role: 'img' }, `\n${body}\n`)}\n`;
}

function main(): void {
  const load = readJson(INPUT);
  const tuning = readTuning(TUNING);
  writeFileSync(OUTPUT, figure(load, tuning));
  console.log(`written: ${path.relative(process.cwd(), OUTPUT)}${tuning ? ` (with ${tuning.length} tuning steps)` : ''}`);
}

main();
