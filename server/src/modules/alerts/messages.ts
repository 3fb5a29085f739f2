import { createHmac } from 'node:crypto';
import { FILTER_LIST_PARAMS, type RefundFilter } from '@refunds/shared';
import { AlertFormat, AlertKind, type AlertLanguage } from './alert-kinds';
import type { Finding, FindingFacts } from './findings';

export function dashboardLink(base: string, page: string, f: RefundFilter): string {
  const q = new URLSearchParams();
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  for (const [k, name] of Object.entries(FILTER_LIST_PARAMS)) {
    const v = (f as Record<string, unknown>)[k];
    if (Array.isArray(v)) for (const x of [...(v as string[])].sort()) q.append(name, x);
  }
  const s = q.toString();
  return `${base.replace(/\/+$/, '')}${page}${s ? `?${s}` : ''}`;
}

export interface RuleForMessage {
  id: number;
  name: string;
  kind: AlertKind;
  language: AlertLanguage;
}

/** The words of a message, before a format lays them out. */
export interface MessageText {
  title: string;
  reason: string;
  rows: Array<[string, string]>;
  linkLabel: string;
  link: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const METRIC: Record<AlertLanguage, Record<string, string>> = {
  en: {
    slaMetRate: 'SLA-met rate',
    payoutFailureRate: 'Payout failure rate',
    inconsistencyRate: 'Channel inconsistency rate',
    alignment: 'Incentive alignment',
  },
  'zh-CN': { slaMetRate: 'SLA 达成率', payoutFailureRate: '打款失败率', inconsistencyRate: '渠道不一致率', alignment: '激励一致性' },
};

function fmtRate(facts: FindingFacts & { type: 'rate' }, x: number): string {
  return facts.metric === 'alignment' ? x.toFixed(2) : pct(x);
}

export function messageText(rule: RuleForMessage, finding: Finding, baseUrl: string): MessageText {
  const zh = rule.language === 'zh-CN';
  const link = dashboardLink(baseUrl, finding.page, finding.filter);
  const f = finding.facts;
  const linkLabel = zh ? '打开看板' : 'Open the dashboard';
  switch (f.type) {
    case 'spike':
      return {
        title: zh
          ? `退款激增：${f.productId}（${f.productLine ?? '—'}），${f.week} 当周 ${f.count} 笔，预期 ${f.expected.toFixed(1)}`
          : `Refund spike: ${f.productId} (${f.productLine ?? '-'}), week of ${f.week}: ${f.count} refunds vs ${f.expected.toFixed(1)} expected`,
        reason: zh
          ? `规则“${rule.name}”：该产品本周退款为预期的 ${f.ratio.toFixed(1)} 倍（p = ${f.pValue.toExponential(1)}），主要原因 ${f.topReasonCode ?? '—'}。`
          : `Rule "${rule.name}": this product's refunds this week are ${f.ratio.toFixed(1)}x the expected count (p = ${f.pValue.toExponential(1)}); top reason ${f.topReasonCode ?? '-'}.`,
        rows: [
          [zh ? '产品' : 'Product', f.productId],
          [zh ? '产品线' : 'Product line', f.productLine ?? '-'],
          [zh ? '周' : 'Week', f.week],
          [zh ? '退款数' : 'Refunds', String(f.count)],
          [zh ? '预期' : 'Expected', f.expected.toFixed(1)],
          [zh ? '倍数' : 'Ratio', f.ratio.toFixed(2)],
          [zh ? '主要原因' : 'Top reason', f.topReasonCode ?? '-'],
        ],
        linkLabel,
        link,
      };
    case 'pack':
      return {
        title: zh ? `会议资料包：${rule.name}（${f.scheduledAt.slice(0, 10)}）` : `Meeting pack: ${rule.name} (${f.scheduledAt.slice(0, 10)})`,
        reason: zh
          ? `规则“${rule.name}”按计划（cron ${f.schedule}，UTC）发送：附件为各分析页（总览、激励、原因、渠道、结果、政策）的 PDF 和 CSV，与各页“导出”菜单所得相同。`
          : `Rule "${rule.name}" runs on its schedule (cron ${f.schedule}, UTC): attached are the PDF and CSVs of each analysis page (Overview, Incentives, Reasons, Channels, Outcomes, Policy), as each page's Export menu gives them.`,
        rows: [
          [zh ? '计划时间' : 'Scheduled for', f.scheduledAt],
          [zh ? '计划' : 'Schedule', f.schedule],
        ],
        linkLabel,
        link,
      };
    case 'rate': {
      const m = METRIC[rule.language][f.metric];
      const cmp = f.direction === 'below' ? (zh ? '低于' : 'below') : zh ? '高于' : 'above';
      const of =
        f.metric === 'inconsistencyRate' || f.metric === 'alignment'
          ? zh
            ? `截至 ${f.week} 当周`
            : `as of the week of ${f.week}`
          : zh
            ? `${f.week} 当周`
            : `week of ${f.week}`;
      return {
        title: zh
          ? `${m} ${fmtRate(f, f.value)}，${cmp}阈值 ${fmtRate(f, f.threshold)}（${of}）`
          : `${m} ${fmtRate(f, f.value)}, ${cmp} the threshold ${fmtRate(f, f.threshold)} (${of})`,
        reason: zh
          ? `规则“${rule.name}”：${m} ${fmtRate(f, f.value)}（n = ${f.n}）${cmp}设定的阈值 ${fmtRate(f, f.threshold)}。`
          : `Rule "${rule.name}": the ${m.toLowerCase()} is ${fmtRate(f, f.value)} (n = ${f.n}), ${cmp} the rule's threshold of ${fmtRate(f, f.threshold)}.`,
        rows: [
          [m, fmtRate(f, f.value)],
          [zh ? '阈值' : 'Threshold', fmtRate(f, f.threshold)],
          [zh ? '周' : 'Week', f.week],
          ['n', String(f.n)],
          ...(f.planId ? ([[zh ? '激励方案' : 'Plan', f.planId]] as Array<[string, string]>) : []),
        ],
        linkLabel,
        link,
      };
    }
  }
}

const md = (s: string) => s.replace(/([*_`[\]])/g, '\\$1');

function markdown(t: MessageText): string {
  return [`### ${md(t.title)}`, '', md(t.reason), '', ...t.rows.map(([k, v]) => `- **${md(k)}**: ${md(v)}`), '', `[${t.linkLabel}](${t.link})`].join('\n');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

export function emailMessage(t: MessageText): EmailMessage {
  const rows = t.rows
    .map(([k, v]) => `<tr><th style="text-align:left;padding:4px 12px 4px 0">${esc(k)}</th><td style="padding:4px 0">${esc(v)}</td></tr>`)
    .join('');
  return {
    subject: t.title,
    text: [t.title, '', t.reason, '', ...t.rows.map(([k, v]) => `${k}: ${v}`), '', `${t.linkLabel}: ${t.link}`].join('\n'),
    html:
      `<!doctype html><html><body style="font-family:sans-serif"><h2>${esc(t.title)}</h2><p>${esc(t.reason)}</p>` +
      `<table>${rows}</table><p><a href="${esc(t.link)}">${esc(t.linkLabel)}</a></p></body></html>`,
  };
}

/** The JSON payload of format JSON (documented in the README). */
export function jsonPayload(rule: RuleForMessage, finding: Finding, t: MessageText, at: string): unknown {
  return {
    version: 1,
    at,
    rule: { id: rule.id, name: rule.name, kind: rule.kind },
    finding: { key: finding.key, ...finding.facts },
    title: t.title,
    reason: t.reason,
    link: t.link,
    language: rule.language,
  };
}

/** The HTTP body of a webhook format (not EMAIL). */
export function webhookBody(format: Exclude<AlertFormat, 'EMAIL'>, rule: RuleForMessage, finding: Finding, t: MessageText, at: string): unknown {
  switch (format) {
    case AlertFormat.JSON:
      return jsonPayload(rule, finding, t, at);
    case AlertFormat.SLACK:
      // Incoming webhook: `text` is the notification fallback, `blocks` the message.
      return {
        text: t.title,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: t.title.slice(0, 150) } },
          { type: 'section', text: { type: 'mrkdwn', text: t.reason } },
          { type: 'section', fields: t.rows.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v}` })) },
          { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: t.linkLabel }, url: t.link }] },
        ],
      };
    case AlertFormat.FEISHU:
      return {
        msg_type: 'interactive',
        card: {
          config: { wide_screen_mode: true },
          header: { template: 'red', title: { tag: 'plain_text', content: t.title } },
          elements: [
            { tag: 'div', text: { tag: 'lark_md', content: t.reason } },
            { tag: 'div', fields: t.rows.map(([k, v]) => ({ is_short: true, text: { tag: 'lark_md', content: `**${k}**\n${v}` } })) },
            { tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: t.linkLabel }, type: 'primary', url: t.link }] },
          ],
        },
      };
    case AlertFormat.DINGTALK:
      return { msgtype: 'markdown', markdown: { title: t.title, text: markdown(t) } };
    case AlertFormat.WECOM:
      return { msgtype: 'markdown', markdown: { content: markdown(t) } };
  }
}

/** DingTalk's signed URL: timestamp and base64 HMAC-SHA256 of "timestamp\nsecret" keyed by the secret. */
export function dingTalkSignedUrl(url: string, secret: string, now: number): string {
  const sign = createHmac('sha256', secret).update(`${now}\n${secret}`).digest('base64');
  const u = new URL(url);
  u.searchParams.set('timestamp', String(now));
  u.searchParams.set('sign', sign);
  return u.toString();
}

/**
 * Chat tools answer 200 with an error code in the body for a bad message or signature; such an
 * answer is a failed attempt.
 */
export function chatToolError(format: AlertFormat, body: string): string | null {
  if (format === AlertFormat.JSON || format === AlertFormat.EMAIL) return null;
  if (format === AlertFormat.SLACK) return body.trim() === 'ok' || body.trim() === '' ? null : body.slice(0, 200);
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const code = o.errcode ?? o.code ?? o.StatusCode;
  if (code === undefined || code === 0) return null;
  return `${String(code)} ${String(o.errmsg ?? o.msg ?? o.StatusMessage ?? '')}`.slice(0, 200);
}
