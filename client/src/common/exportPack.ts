import { toCsv, slug } from './csv';
import type { ExportRegistry } from './exportRegistry';

export interface ChartImage {
  title: string;
  dataUrl: string;
  width: number;
  height: number;
}

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

export interface LegendEntry {
  label: string;
  color: string;
}

/** Recharts draws its legend as HTML beside the SVG; read it so the image can carry it. */
export function readLegend(el: HTMLElement): LegendEntry[] {
  return Array.from(el.querySelectorAll<HTMLElement>('.recharts-legend-item')).map((item) => {
    const icon = item.querySelector('svg path, svg rect, svg line');
    const color = icon?.getAttribute('fill') && icon.getAttribute('fill') !== 'none' ? icon.getAttribute('fill')! : (icon?.getAttribute('stroke') ?? '#1f2933');
    return { label: item.textContent?.trim() ?? '', color };
  });
}

/** Serializes a chart's SVG (Recharts surface or our own heat maps) onto a white canvas, legend below. */
export async function svgToPng(
  svg: SVGSVGElement,
  scale = 2,
  legend: readonly LegendEntry[] = [],
): Promise<{ dataUrl: string; width: number; height: number }> {
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width || Number(svg.getAttribute('width')) || 600));
  const height = Math.max(1, Math.round(box.height || Number(svg.getAttribute('height')) || 300));
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (!clone.getAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  clone.setAttribute('style', `font-family: ${FONT}; font-size: 12px; background: #fff`);
  // Styles that live in our stylesheet rather than in attributes.
  for (const el of Array.from(clone.querySelectorAll<SVGElement>('text'))) {
    if (!el.getAttribute('fill')) el.setAttribute('fill', '#1f2933');
  }
  const xml = new XMLSerializer().serializeToString(clone);
  const img = new Image();
  img.decoding = 'sync';
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`;
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('could not render the chart image'));
    img.src = src;
  });
  const legendH = legend.length ? 24 : 0;
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = (height + legendH) * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas 2d context unavailable');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  if (legend.length) {
    ctx.font = `12px ${FONT}`;
    ctx.textBaseline = 'middle';
    const widths = legend.map((e) => 22 + ctx.measureText(e.label).width + 14);
    let x = Math.max(8, (width - widths.reduce((a, b) => a + b, 0)) / 2);
    const y = height + legendH / 2;
    legend.forEach((e, i) => {
      ctx.fillStyle = e.color;
      ctx.fillRect(x, y - 5, 14, 10);
      ctx.fillStyle = '#1f2933';
      ctx.fillText(e.label, x + 20, y);
      x += widths[i];
    });
  }
  return { dataUrl: canvas.toDataURL('image/png'), width, height: height + legendH };
}

/** Every chart on the page: elements marked data-export-chart holding an SVG. */
export async function captureCharts(root: HTMLElement): Promise<ChartImage[]> {
  const out: ChartImage[] = [];
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('[data-export-chart]'))) {
    // The chart is the largest SVG in the block (legend icons are small SVGs too).
    let svg: SVGSVGElement | null = null;
    let best = 0;
    for (const cand of Array.from(el.querySelectorAll<SVGSVGElement>('svg'))) {
      if (cand.parentElement?.closest('svg')) continue;
      const r = cand.getBoundingClientRect();
      if (r.width * r.height > best) {
        best = r.width * r.height;
        svg = cand;
      }
    }
    if (!svg || best < 2000) continue;
    const png = await svgToPng(svg, 2, readLegend(el));
    out.push({ title: el.dataset.exportChart || 'chart', ...png });
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Decodes in place: the server's Content-Security-Policy does not let fetch() read data: URLs. */
export function dataUrlToBlob(dataUrl: string): Blob {
  const [head, body] = dataUrl.split(',', 2);
  const type = /^data:([^;,]+)/.exec(head)?.[1] ?? 'application/octet-stream';
  const bin = atob(body);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

export async function exportPngs(root: HTMLElement, page: string): Promise<number> {
  const charts = await captureCharts(root);
  for (const [i, c] of charts.entries()) {
    downloadBlob(dataUrlToBlob(c.dataUrl), `${slug(page)}-${i + 1}-${slug(c.title)}.png`);
    await sleep(150); // browsers drop downloads fired in the same tick
  }
  return charts.length;
}

export async function exportCsvs(reg: ExportRegistry, page: string): Promise<number> {
  const tables = [...reg.tables.values()];
  for (const [i, tb] of tables.entries()) {
    downloadBlob(new Blob([toCsv(tb.headers, tb.rows)], { type: 'text/csv;charset=utf-8' }), `${slug(page)}-${i + 1}-${slug(tb.title)}.csv`);
    await sleep(150);
  }
  return tables.length;
}

/** Standard PDF fonts cover Latin-1 only: typographic marks are mapped to ASCII, other scripts are drawn as images. */
export function pdfSafe(s: string): string {
  return s
    .replace(/[\u2212\u2013\u2014]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\u2264/g, '<=')
    .replace(/\u2265/g, '>=')
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\u03c1/g, 'rho')
    .replace(/\u2248/g, '~')
    .replace(/[\u00a0\u202f\u2009]/g, ' ');
}

export const needsImage = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) > 0xff);

export interface PdfPack {
  title: string;
  lines: string[];
  registry: ExportRegistry;
  charts: ChartImage[];
  moreRows: (n: number) => string;
}

export async function buildPdf(pack: PdfPack): Promise<Blob> {
  const { jsPDF } = await import('jspdf');
  const doc = new jsPDF({ unit: 'pt', format: 'a4', orientation: 'portrait', compress: false });
  const W = doc.internal.pageSize.getWidth();
  const H = doc.internal.pageSize.getHeight();
  const M = 40;
  let y = M;

  const ensure = (h: number) => {
    if (y + h > H - M) {
      doc.addPage();
      y = M;
    }
  };

  const text = (s: string, x: number, size: number, opts: { bold?: boolean; maxWidth?: number; color?: number } = {}) => {
    const str = pdfSafe(s);
    doc.setFontSize(size);
    doc.setFont('helvetica', opts.bold ? 'bold' : 'normal');
    doc.setTextColor(opts.color ?? 20);
    const maxWidth = opts.maxWidth ?? W - M - x;
    if (!needsImage(str)) {
      let out = str;
      while (out.length > 1 && doc.getTextWidth(out) > maxWidth) out = out.slice(0, -2);
      if (out !== str) out = `${out.slice(0, -1)}.`;
      doc.text(out, x, y);
      return;
    }
    // Text outside Latin-1 (e.g. Chinese labels): render with the browser's fonts and embed the picture.
    const scale = 3;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const font = `${opts.bold ? 'bold ' : ''}${size * scale}px ${FONT}`;
    ctx.font = font;
    const w = Math.min(ctx.measureText(str).width, maxWidth * scale);
    canvas.width = Math.max(1, Math.ceil(w));
    canvas.height = Math.ceil(size * scale * 1.3);
    ctx.font = font;
    ctx.fillStyle = `rgb(${opts.color ?? 20},${opts.color ?? 20},${opts.color ?? 20})`;
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(str, 0, size * scale);
    doc.addImage(canvas.toDataURL('image/png'), 'PNG', x, y - size, canvas.width / scale, canvas.height / scale);
  };

  ensure(30);
  text(pack.title, M, 18, { bold: true });
  y += 20;
  for (const l of pack.lines) {
    ensure(14);
    text(l, M, 9, { color: 90 });
    y += 13;
  }
  y += 6;

  for (const group of pack.registry.numbers.values()) {
    ensure(28);
    if (group.title) {
      text(group.title, M, 12, { bold: true });
      y += 16;
    }
    const colW = (W - 2 * M) / 2;
    const anyNote = group.items.some((it) => it.note);
    const rowH = anyNote ? 40 : 28;
    group.items.forEach((it, i) => {
      const col = i % 2;
      if (col === 0) ensure(rowH);
      const x = M + col * colW;
      const top = y;
      text(it.label, x, 9, { color: 90, maxWidth: colW - 10 });
      y += 13;
      text(it.value, x, 12, { bold: true, maxWidth: colW - 10 });
      if (it.note) {
        y += 12;
        text(it.note, x, 8, { color: 70, maxWidth: colW - 10 });
      }
      y = top;
      if (col === 1 || i === group.items.length - 1) y += rowH;
    });
    y += 4;
  }
  for (const s of pack.registry.sentences.values()) {
    const words = pdfSafe(s);
    doc.setFontSize(10);
    const lines = needsImage(words) ? chunk(words, 60) : (doc.splitTextToSize(words, W - 2 * M) as string[]);
    for (const l of lines) {
      ensure(14);
      text(l, M, 10);
      y += 14;
    }
    y += 4;
  }

  for (const c of pack.charts) {
    const w = W - 2 * M;
    const h = Math.min((c.height / c.width) * w, H - 2 * M - 20);
    const iw = (c.width / c.height) * h;
    ensure(h + 24);
    text(c.title, M, 11, { bold: true });
    y += 8;
    doc.addImage(c.dataUrl, 'PNG', M, y, iw, h);
    y += h + 16;
  }

  const MAX_ROWS = 40;
  for (const tb of pack.registry.tables.values()) {
    // CSV-only tables (the numbers are already in the pack as cards or charts) carry no text rows.
    if (tb.text.length === 0) continue;
    ensure(40);
    text(tb.title, M, 11, { bold: true });
    y += 14;
    const n = tb.headers.length || 1;
    const colW = (W - 2 * M) / n;
    const size = n > 8 ? 6.5 : n > 5 ? 7.5 : 8.5;
    const row = (cells: string[], bold: boolean) => {
      ensure(12);
      cells.forEach((c, i) => text(c, M + i * colW, size, { bold, maxWidth: colW - 4 }));
      y += size + 4;
    };
    row(tb.headers, true);
    tb.text.slice(0, MAX_ROWS).forEach((r) => row(r, false));
    if (tb.text.length > MAX_ROWS) {
      text(pack.moreRows(tb.text.length - MAX_ROWS), M, 8, { color: 90 });
      y += 12;
    }
    y += 10;
  }
  return doc.output('blob');
}

function chunk(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}
