/**
 * Draws a Feishu (Lark) custom-bot `interactive` card as HTML, the way Feishu's chat client lays it
 * out: a coloured header, `div` text, `fields` two to a row when `is_short`, and `action` buttons.
 * Only the elements our alerts send are drawn; anything else fails, so the picture in the README
 * cannot silently drop a part of the message.
 */

interface Text {
  tag: 'plain_text' | 'lark_md';
  content: string;
}
interface Field {
  is_short: boolean;
  text: Text;
}
type Element =
  { tag: 'div'; text?: Text; fields?: Field[] } | { tag: 'action'; actions: Array<{ tag: 'button'; text: Text; type?: string; url: string }> } | { tag: 'hr' };
export interface FeishuCard {
  msg_type: 'interactive';
  card: { header: { template: string; title: Text }; elements: Element[] };
}

const HEADER: Record<string, string> = { red: '#f54a45', orange: '#ff8800', blue: '#3370ff', green: '#34c724', grey: '#8f959e' };

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** lark_md: **bold**, [label](url), backslash escapes and line breaks; plain_text as it is. */
function text(t: Text): string {
  if (t.tag === 'plain_text') return esc(t.content);
  return esc(t.content)
    .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\\([*_`[\]])/g, '$1')
    .replace(/\n/g, '<br>');
}

function element(e: Element): string {
  switch (e.tag) {
    case 'div': {
      const body = e.text ? `<div class="md">${text(e.text)}</div>` : '';
      const fields = e.fields?.length
        ? `<div class="fields">${e.fields.map((f) => `<div class="${f.is_short ? 'short' : 'long'}">${text(f.text)}</div>`).join('')}</div>`
        : '';
      return body + fields;
    }
    case 'action':
      return `<div class="actions">${e.actions.map((a) => `<a class="btn ${a.type ?? 'default'}" href="${esc(a.url)}">${text(a.text)}</a>`).join('')}</div>`;
    case 'hr':
      return '<hr>';
    default:
      throw new Error(`card element not drawn: ${JSON.stringify(e)}`);
  }
}

export function feishuCardHtml(body: FeishuCard): string {
  if (body.msg_type !== 'interactive') throw new Error(`not an interactive card: ${body.msg_type}`);
  const { header, elements } = body.card;
  const colour = HEADER[header.template];
  if (!colour) throw new Error(`unknown header template ${header.template}`);
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; padding: 24px; background: #f2f3f5; font: 14px/1.6 "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", system-ui, sans-serif; color: #1f2329; }
  .bot { display: flex; gap: 10px; align-items: flex-start; }
  .avatar { width: 36px; height: 36px; border-radius: 50%; background: ${colour}; color: #fff; font-weight: 600; display: grid; place-items: center; flex: none; }
  .name { color: #646a73; font-size: 12px; margin-bottom: 4px; }
  .card { width: 560px; background: #fff; border-radius: 8px; overflow: hidden; box-shadow: 0 1px 3px rgba(31,35,41,.12); }
  .header { background: ${colour}; color: #fff; padding: 12px 16px; font-size: 16px; font-weight: 600; }
  .content { padding: 12px 16px 16px; display: grid; gap: 12px; }
  .fields { display: flex; flex-wrap: wrap; row-gap: 8px; }
  .short { width: 50%; } .long { width: 100%; }
  .actions { display: flex; gap: 8px; }
  .btn { padding: 4px 16px; border-radius: 6px; text-decoration: none; border: 1px solid #d0d3d6; color: #1f2329; }
  .btn.primary { background: #3370ff; border-color: #3370ff; color: #fff; }
  a { color: #3370ff; }
</style></head><body><div class="bot"><div class="avatar">R</div><div><div class="name">Refund alerts</div>
<div class="card" data-testid="feishu-card"><div class="header">${text(header.title)}</div><div class="content">${elements.map(element).join('')}</div></div>
</div></div></body></html>`;
}
