/**
 * The report's charts: one list of bar charts per scope (the AB or a school), drawn as SVG on the server by
 * vega-lite + vega (no canvas) for the page, and from the very same data with pdfkit for the PDF.
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { ReportScope } from '#read-models/survey/annual-survey-report.js';

export interface ChartBar {
  label: string;
  value: number;
}
export interface ReportChart {
  id: string;
  title: string;
  /** What the value axis measures. */
  measure: string;
  /** Largest value of the axis (5 for ratings, 100 for percentages), or null to fit the data. */
  max: number | null;
  bars: ChartBar[];
}

const pct = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 10;

export function reportCharts(scope: ReportScope): ReportChart[] {
  const charts: ReportChart[] = [];
  const ratings = scope.questions.filter((q) => q.kind === 'rating' && q.mean !== null);
  if (ratings.length > 0)
    charts.push({
      id: 'rating-means',
      title: 'Mean rating by question (1 to 5)',
      measure: 'Mean rating',
      max: 5,
      bars: ratings.map((q) => ({ label: q.text, value: q.mean! })),
    });
  for (const q of scope.questions.filter((q) => q.kind === 'rating' && q.responses > 0))
    charts.push({
      id: `distribution-${q.id}`,
      title: `Ratings given: ${q.text}`,
      measure: 'Responses',
      max: null,
      bars: Object.entries(q.distribution).map(([label, value]) => ({ label: `Rating ${label}`, value })),
    });
  const yesNo = scope.questions.filter((q) => q.kind === 'yes-no' && q.mean !== null);
  if (yesNo.length > 0)
    charts.push({
      id: 'yes-share',
      title: 'Answering yes (%)',
      measure: 'Yes (%)',
      max: 100,
      bars: yesNo.map((q) => ({ label: q.text, value: Math.round(q.mean! * 1000) / 10 })),
    });
  const s = scope.service;
  const service: [string, number | null][] = [
    ['Progress reviews submitted when due', pct(s.reviews.submitted, s.reviews.due)],
    ['Assessments on time', pct(s.assessments.onTime, s.assessments.recorded)],
    ['ECTs with every entitlement met', pct(s.entitlements.allMet, s.entitlements.ects)],
    ['SLA commitments met', pct(s.sla.met, s.sla.reviewed)],
    [
      'Training and clinic places attended',
      pct(s.tutorTraining.attended + s.clinics.attended, s.tutorTraining.places + s.clinics.places),
    ],
    ['Moderation agreement', s.moderation ? pct(s.moderation.agreed, s.moderation.checked) : null],
  ];
  const serviceBars = service.filter((e): e is [string, number] => e[1] !== null);
  if (serviceBars.length > 0)
    charts.push({
      id: 'service',
      title: 'Service figures (%)',
      measure: 'Per cent',
      max: 100,
      bars: serviceBars.map(([label, value]) => ({ label, value })),
    });
  const themes = scope.themes.filter((t) => t.comments > 0);
  if (themes.length > 0)
    charts.push({
      id: 'themes',
      title: 'Themes in comments (comments mentioning each)',
      measure: 'Comments',
      max: null,
      bars: themes.map((t) => ({ label: t.theme, value: t.comments })),
    });
  return charts;
}

/** Counts are whole numbers: small axes get a tick at each one, larger ones at least a step of one. */
const countTicks = (chart: ReportChart) => {
  const max = Math.max(0, ...chart.bars.map((b) => b.value));
  return max <= 10 ? { values: Array.from({ length: max + 1 }, (_, i) => i) } : { tickMinStep: 1 };
};

/** GOV.UK blue bars, labels on the left, values at the end of each bar. */
export async function chartSvg(chart: ReportChart): Promise<string> {
  const spec: vegaLite.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 420,
    height: { step: 22 },
    description: chart.title,
    data: {
      values: chart.bars.map((b) => ({
        label: b.label.length > 48 ? `${b.label.slice(0, 47)}…` : b.label,
        value: b.value,
      })),
    },
    encoding: {
      y: {
        field: 'label',
        type: 'nominal',
        sort: null,
        title: null,
        axis: { labelLimit: 260, labelFontSize: 12 },
      },
      x: {
        field: 'value',
        type: 'quantitative',
        title: chart.measure,
        ...(chart.max === null
          ? { axis: { format: 'd', ...countTicks(chart) } }
          : { scale: { domain: [0, chart.max] } }),
      },
    },
    layer: [
      { mark: { type: 'bar', color: '#1d70b8' } },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 12 },
        encoding: { text: { field: 'value', type: 'quantitative' } },
      },
    ],
    config: { font: 'Arial, sans-serif', view: { stroke: null } },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.replace('<svg ', `<svg role="img" aria-label="${escapeXml(chart.title)}" `);
  } finally {
    view.finalize();
  }
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
