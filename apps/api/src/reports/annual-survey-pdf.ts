/**
 * The report as a PDF that reads well on paper: A4, a title, the AB's figures and charts, then one section
 * per school starting on a new page. Charts are drawn with pdfkit's own primitives from the same data as the
 * page's SVG (reportCharts), and each chart is listed in the PDF's outline ("Chart: ...").
 */
import PDFDocument from 'pdfkit';
import type { AnnualSurveyReport, ReportScope } from '#read-models/survey/annual-survey-report.js';
import { reportCharts, type ReportChart } from './annual-survey-charts.js';
import { serviceRows } from './annual-survey-tables.js';

const BLUE = '#1d70b8';
const BLACK = '#0b0c0c';
const GREY = '#505a5f';
const MARGIN = 56;

type Doc = InstanceType<typeof PDFDocument>;
type Outline = Doc['outline'];

export function annualSurveyPdf(report: AnnualSurveyReport, schoolUrns?: readonly string[]): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `${report.title} (${report.academicYear})`, Subject: 'Annual survey to schools: report' },
    bufferPages: false,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.fillColor(BLACK).font('Helvetica-Bold').fontSize(22).text(report.title);
  doc.moveDown(0.3).font('Helvetica').fontSize(12).fillColor(GREY);
  doc.text(`Academic year ${report.academicYear}. Survey open ${report.opensOn} to ${report.closesOn}.`);
  doc.text(`Service figures as at ${report.asAt}.`);
  const missing = Object.entries(report.available)
    .filter(([, present]) => !present)
    .map(([name]) => name);
  if (missing.length > 0) doc.text(`Not available when generated: ${missing.join(', ')}.`);
  doc.moveDown();
  const abOutline = doc.outline.addItem('Whole appropriate body');
  section(doc, abOutline, 'Whole appropriate body', report.ab);

  const schools = schoolUrns
    ? report.schools.filter((s) => schoolUrns.includes(s.schoolUrn))
    : report.schools;
  for (const school of schools) {
    doc.addPage();
    const title = `${school.schoolName} (URN ${school.schoolUrn})`;
    section(doc, doc.outline.addItem(title), title, school);
  }
  doc.end();
  return done;
}

function section(doc: Doc, outline: Outline, title: string, scope: ReportScope): void {
  heading(doc, title, 16);
  doc.font('Helvetica').fontSize(11).fillColor(BLACK);
  const rate =
    scope.responseRate === null ? 'no invitations' : `${Math.round(scope.responseRate * 1000) / 10}%`;
  doc.text(`Response rate: ${rate} (${scope.responded} of ${scope.invited} invited).`);
  doc.moveDown(0.5);

  heading(doc, 'Questions', 13);
  for (const q of scope.questions.filter((q) => q.kind !== 'free-text')) {
    const mean =
      q.mean === null
        ? 'no answers'
        : q.kind === 'yes-no'
          ? `${Math.round(q.mean * 100)}% yes`
          : `mean ${q.mean}`;
    const change = q.change === null ? '' : `, ${q.change >= 0 ? '+' : ''}${q.change} on last year`;
    line(doc, `${q.text}: ${mean} from ${q.responses} responses${change}.`);
  }
  doc.moveDown(0.5);
  heading(doc, 'Service figures', 13);
  for (const row of serviceRows(scope)) line(doc, `${row.figure}: ${row.value}`);
  doc.moveDown(0.5);

  for (const chart of reportCharts(scope)) drawChart(doc, outline, chart);

  heading(doc, 'Themes in comments', 13);
  const themes = scope.themes.filter((t) => t.comments > 0);
  if (themes.length === 0) line(doc, 'No comments mention the themes counted.');
  for (const t of themes)
    line(doc, `${t.theme}: ${t.comments} comments (words counted: ${t.keywords.join(', ')})`);
  doc.moveDown(0.5);
  heading(doc, 'Suggested actions for the improvement plan', 13);
  if (scope.actions.length === 0) line(doc, 'None: no figure fell below its threshold.');
  for (const a of scope.actions)
    line(doc, `• ${a.action} (because ${a.figure} is ${a.value}; threshold ${a.threshold})`);
}

function heading(doc: Doc, text: string, size: number): void {
  ensureRoom(doc, size * 3);
  doc.font('Helvetica-Bold').fontSize(size).fillColor(BLACK).text(text, MARGIN);
  doc.moveDown(0.3);
}

function line(doc: Doc, text: string): void {
  ensureRoom(doc, 16);
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor(BLACK)
    .text(text, MARGIN, undefined, { width: pageWidth(doc) });
}

const pageWidth = (doc: Doc) => doc.page.width - 2 * MARGIN;

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

/** Horizontal bars: label column, bar scaled to the axis maximum, the value at the bar's end. */
function drawChart(doc: Doc, outline: Outline, chart: ReportChart): void {
  const rowHeight = 16;
  const height = 24 + chart.bars.length * rowHeight + 10;
  ensureRoom(doc, height);
  outline.addItem(`Chart: ${chart.title}`);
  doc.font('Helvetica-Bold').fontSize(11).fillColor(BLACK).text(chart.title, MARGIN);
  const top = doc.y + 4;
  const labelWidth = 200;
  const barLeft = MARGIN + labelWidth + 8;
  const barWidth = pageWidth(doc) - labelWidth - 48;
  const max = chart.max ?? Math.max(1, ...chart.bars.map((b) => b.value));
  chart.bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    doc.font('Helvetica').fontSize(8).fillColor(BLACK);
    doc.text(bar.label, MARGIN, y + 3, {
      width: labelWidth,
      height: rowHeight,
      ellipsis: true,
      lineBreak: false,
    });
    const width = Math.max(0, (bar.value / max) * barWidth);
    doc.rect(barLeft, y + 2, width, rowHeight - 5).fill(BLUE);
    doc.fillColor(BLACK).text(String(bar.value), barLeft + width + 4, y + 3, { lineBreak: false });
  });
  doc
    .moveTo(barLeft, top)
    .lineTo(barLeft, top + chart.bars.length * rowHeight)
    .strokeColor(GREY)
    .lineWidth(0.5)
    .stroke();
  doc.x = MARGIN;
  doc.y = top + chart.bars.length * rowHeight + 10;
}
