/**
 * The funnel's two charts as server-rendered SVG (no script, nothing but attributes, so the
 * console's CSP holds): the steps as horizontal bars, and the monthly trend as paired bars.
 * Readable without colour: every bar carries its label and number, and the trend's two series
 * differ by fill pattern (solid, hatched) as well as colour, with a legend in words.
 */
import type { FunnelReport } from "../domain/funnel/funnel-types.ts";
import { formatPercent } from "../i18n/percent.ts";
import { html, type SafeHtml } from "./html.ts";

type T = (key: string, params?: Record<string, string | number>) => string;

/**
 * The chart's size in its own units. Each step's label has a line of its own above its bar, so the
 * chart is narrow: drawn at a phone's width (about 360 px) a unit is about a pixel and a label
 * about 15 px high; on a desk it is no wider than 26rem (console.css), not blown up.
 */
const FUNNEL = { width: 360, rowHeight: 50, barSpace: 260, barHeight: 18 } as const;

/** The steps as bars: each label on its line, the bar beneath it with its count and conversion. */
export function funnelChart(report: FunnelReport, t: T, locale: string): SafeHtml {
  const percent = (ratio: number | null) => (ratio === null ? "" : ` · ${formatPercent(ratio, locale)}`);
  const { width: chartWidth, rowHeight, barSpace, barHeight } = FUNNEL;
  const max = Math.max(1, ...report.steps.map((s) => s.count ?? 0));
  const rows = report.steps.map((s, index) => {
    const y = index * rowHeight;
    const width = s.count ? Math.max(2, Math.round((s.count / max) * barSpace)) : 0;
    const value = s.count === null ? t("funnel_unknown") : `${s.count}${percent(s.conversion)}`;
    return html`<g>
<text x="0" y="${y + 17}" class="chart-label">${t(`funnel_step_${s.step}`)}</text>
<rect x="0" y="${y + 24}" width="${width}" height="${barHeight}" class="bar"></rect>
<text x="${width + 6}" y="${y + 38}" class="chart-value">${value}</text>
</g>`;
  });
  const height = report.steps.length * rowHeight;
  return html`<svg class="chart funnel-chart" role="img" aria-labelledby="funnel-chart-title" viewBox="0 0 ${chartWidth} ${height}" width="100%">
<title id="funnel-chart-title">${t("funnel_chart_label")}</title>
${rows}
</svg>`;
}

/** Per month: consented (solid) and placed (hatched), each with its number above. */
export function trendChart(report: FunnelReport, t: T): SafeHtml {
  const months = report.trend.slice(-18);
  const slot = 44;
  const chartHeight = 140;
  const top = 18;
  const max = Math.max(1, ...months.flatMap((m) => [m.consented, m.placed]));
  const bar = (value: number, x: number, cls: string) => {
    const h = Math.round((value / max) * chartHeight);
    const y = top + chartHeight - h;
    return html`<rect x="${x}" y="${y}" width="16" height="${h}" class="${cls}"></rect>
<text x="${x + 8}" y="${y - 3}" text-anchor="middle" class="chart-small">${value}</text>`;
  };
  const groups = months.map(
    (m, i) => html`<g>
${bar(m.consented, i * slot + 4, "bar")}
${bar(m.placed, i * slot + 22, "bar-hatched")}
<text x="${i * slot + 21}" y="${top + chartHeight + 14}" text-anchor="middle" class="chart-small">${m.month.slice(2)}</text>
</g>`,
  );
  const width = Math.max(1, months.length) * slot + 10;
  // Its own width (18 months are wider than a phone): it scrolls sideways inside its box, the page not.
  return html`<div class="chart-scroll"><svg class="chart" role="img" aria-labelledby="trend-chart-title" viewBox="0 0 ${width} ${top + chartHeight + 22}" width="${Math.round(width * 1.4)}">
<title id="trend-chart-title">${t("funnel_trend_label")}</title>
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg"></rect><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"></line></pattern></defs>
${groups}
</svg></div>
<ul class="legend">
<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" class="bar"></rect></svg> ${t("funnel_legend_consented")}</li>
<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" class="bar-hatched"></rect></svg> ${t("funnel_legend_placed")}</li>
</ul>`;
}
