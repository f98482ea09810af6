/** The dashboard: what the assistant is worth over a window (GET /api/v1/analytics), as charts. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from 'chart.js';
import { ApiError, analytics, type Analytics } from './api';
import { $ } from './dom';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const charts = new Map<string, { destroy(): void }>();
const pct = (r: number | null) => (r === null ? '–' : `${Math.round(r * 1000) / 10}%`);
const secs = (ms: number | null) => (ms === null ? '–' : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`);

function draw<T extends ChartType>(id: string, config: ChartConfiguration<T>) {
  charts.get(id)?.destroy();
  const options = { animation: false, maintainAspectRatio: false, ...config.options } as ChartConfiguration<T>['options'];
  charts.set(id, new Chart($<HTMLCanvasElement>(id), { ...config, options }));
}

function tiles(a: Analytics) {
  const items: Array<[string, string]> = [
    ['Messages', String(a.tasks)],
    ['Resolved by the assistant', pct(a.resolutionRate)],
    ['Handed over', String(a.handedOver.total)],
    ['Reopened within 7 days', pct(a.reopened.rate)],
    ['First response (p50)', secs(a.firstResponse.p50Ms)],
    ['First human response (p50)', secs(a.firstHumanResponse.p50Ms)],
    ['AI replies flagged', String(a.flags.total)],
    ['CSAT (rated 4-5)', a.csat.answered ? `${pct(a.csat.score)} of ${a.csat.answered}` : '–'],
    ['Ratings answered', a.csat.asked ? pct(a.csat.responseRate) : '–'],
  ];
  $('dash-tiles').replaceChildren(
    ...items.map(([label, value]) => {
      const li = document.createElement('li');
      li.innerHTML = `<span class="label"></span><strong></strong>`;
      li.querySelector('.label')!.textContent = label;
      li.querySelector('strong')!.textContent = value;
      return li;
    }),
  );
}

export async function showDashboard(namespace: string, window: string): Promise<void> {
  const status = $('dash-status');
  status.textContent = 'Loading…';
  let a: Analytics;
  try {
    a = await analytics(namespace, window);
  } catch (err) {
    status.textContent =
      err instanceof ApiError && err.status === 403
        ? 'The dashboard needs an admin or operator key.'
        : `Could not load the figures: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  status.textContent = `${a.namespace}: ${a.tasks} messages from ${new Date(a.from).toLocaleString()} to ${new Date(a.to).toLocaleString()}`;
  tiles(a);
  const label = (at: string) =>
    a.series.unit === 'hour' ? new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : new Date(at).toLocaleDateString();
  draw('chart-resolution', {
    type: 'line',
    data: {
      labels: a.series.points.map((p) => label(p.at)),
      datasets: [
        {
          label: 'resolved by the assistant (%)',
          data: a.series.points.map((p) => (p.tasks ? Math.round((p.resolvedByAssistant / p.tasks) * 1000) / 10 : 0)),
          borderColor: '#1a73e8',
        },
        {
          label: 'resolved by a person (%)',
          data: a.series.points.map((p) => (p.tasks ? Math.round((p.resolvedByPerson / p.tasks) * 1000) / 10 : 0)),
          borderColor: '#188038',
        },
      ],
    },
    options: { scales: { y: { min: 0, max: 100 } } },
  });
  const reasons = Object.entries(a.handedOver.byReason);
  draw('chart-reasons', {
    type: 'bar',
    data: {
      labels: reasons.map(([r]) => r.replace('_', ' ')),
      datasets: [{ label: 'hand-offs', data: reasons.map(([, n]) => n), backgroundColor: '#e37400' }],
    },
    options: { indexAxis: 'y' },
  });
  const intents = a.intents.filter((i) => i.decided > 0);
  draw('chart-edits', {
    type: 'bar',
    data: {
      labels: intents.map((i) => i.intent),
      datasets: [
        { label: 'edited (%)', data: intents.map((i) => Math.round((i.editRate ?? 0) * 1000) / 10), backgroundColor: '#a142f4' },
        { label: 'rejected (%)', data: intents.map((i) => Math.round((i.rejectRate ?? 0) * 1000) / 10), backgroundColor: '#d93025' },
      ],
    },
    options: { scales: { y: { min: 0, max: 100 } } },
  });
  const flags = Object.entries(a.flags.byCategory);
  draw('chart-flags', {
    type: 'bar',
    data: { labels: flags.map(([c]) => c), datasets: [{ label: 'flagged AI replies', data: flags.map(([, n]) => n), backgroundColor: '#5f6368' }] },
  });
  // CSAT: the share rated 4-5 over time, and the assistant's conversations against a person's.
  const csatLabel = (who: string, part: Analytics['csat']['byResolver']['assistant']) =>
    `${who}: ${pct(part.score)} of ${part.answered}${part.average === null ? '' : `, mean ${part.average}`}`;
  draw('chart-csat', {
    type: 'bar',
    data: {
      labels: [csatLabel('assistant', a.csat.byResolver.assistant), csatLabel('person', a.csat.byResolver.person)],
      datasets: [
        {
          label: 'CSAT: rated 4 or 5 (%)',
          data: [a.csat.byResolver.assistant, a.csat.byResolver.person].map((p) => Math.round((p.score ?? 0) * 1000) / 10),
          backgroundColor: ['#1a73e8', '#188038'],
        },
      ],
    },
    options: { scales: { y: { min: 0, max: 100 } } },
  });
  $('dash-suggestions').replaceChildren(
    ...(a.suggestions.length
      ? a.suggestions.map((s) => {
          const li = document.createElement('li');
          li.textContent = `${s.intent}: ${s.from} → ${s.to}. ${s.why}`;
          return li;
        })
      : [Object.assign(document.createElement('li'), { className: 'muted', textContent: 'No trust matrix change is supported by the data yet.' })]),
  );
}
