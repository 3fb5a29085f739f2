/**
 * zendesk-tickets: Zendesk ticket CSV export (+ optional satisfaction_ratings JSON)
 * -> refunds.csv, surveys.csv, agents.csv.
 *
 * Inputs, told apart by content: the ticket CSV export (required) and, optionally, the
 * `GET /api/v2/satisfaction_ratings` JSON (`{ "satisfaction_ratings": [...] }` or an array).
 *
 * Which tickets are refunds: a tag `refund` (or any tag starting with `refund_` / `refund-`,
 * e.g. refund_request, refund_denied), or a Ticket type / "Refund ..." custom field naming a
 * refund. Everything else ("Where is my parcel") is skipped: it is support volume, not a
 * refund request. Status "deleted" tickets are skipped.
 *
 * refunds.csv:
 * - refund_id = Id (reconciliation.md: a merged refund keeps its ticket's id); customer_id =
 *   the e-mail's id ("email:" + hash of Requester email, the same the shop importer gives the
 *   address), else "zd:" + Requester id; order_id = the "Order number [...]" custom field (also "Order id" /
 *   "Order"), left empty with a warning when blank (the loader then rejects the row, since an
 *   order is required and we will not invent one).
 * - agent_id = "Assignee id" when exported, else the Assignee name (the CSV export carries
 *   names only; the ratings JSON has assignee ids but is optional, and an id that changed with
 *   the set of files passed would break reloads). null when unassigned.
 * - channel from Via: Web form / Web widget -> web, Email -> email, Chat / Messaging -> chat,
 *   Phone call (incoming|outgoing) / Voicemail / Voice -> phone, Web service / API -> api,
 *   Mobile SDK -> app, Facebook / Twitter / WhatsApp / Instagram -> social, Closed ticket
 *   (a follow-up) -> web; others lower-cased.
 * - requested_at = Created at; decided_at = Solved at for solved/closed tickets (Updated at
 *   when Solved at is blank, warned), null while new/open/pending/hold. Zendesk exports
 *   local times without an offset; like the data contract they are read as UTC.
 * - decision: new/open/pending/hold -> pending; solved/closed -> approved, unless a tag says
 *   otherwise: refund_denied / refund_rejected / refund_declined / denied / rejected /
 *   declined -> rejected, refund_partial / partial_refund / partially_refunded -> partial,
 *   refund_withdrawn / refund_cancelled / withdrawn -> withdrawn. A "Refund decision"
 *   custom field, when present, wins over tags. The sample has no such tags, so its solved
 *   refunds are all approved: in that helpdesk a solved refund ticket is a granted refund.
 * - reason_code = "Refund reason [list]" custom field; when blank, the ticket's first tag
 *   that is not refund-related (the sample tags the reason as well: "refund late_delivery");
 *   else "unspecified". The field wins when they disagree: an agent picked it explicitly,
 *   tags are often set by triggers at creation.
 * - contacts = Replies; reopened = Reopens > 0; escalated = a tag escalated/escalation or
 *   Group stations > 1 (moved between groups). Being in a group called "Tier 2" is not
 *   taken as escalation on its own.
 * - requested_amount: a "Refund amount" / "Amount" custom field when present. The standard
 *   export has no amount; then requested_amount = 0 (the column is required) and
 *   refunded_amount is null (0 for rejected), with a warning: join with Stripe/Shopify data by
 *   order_id for money figures. currency = a "Currency" custom field, else the reporting
 *   currency.
 * - product_id / product_line from "SKU" / "Product" / "Product line" custom fields when present.
 *
 * surveys.csv (CSAT only for refund tickets: a rating of a "where is my parcel" ticket says
 * nothing about a refund and would skew refund CSAT; such ratings are counted in warnings):
 * - score good -> 5, bad -> 1 (a two-point scale put on the 1..5 CSAT scale at its ends, so
 *   csatRate = share >= 4 is the share of "good"); offered / unoffered / empty = no answer,
 *   no survey.
 * - survey_id = "zd-csat:" + ticket Id (Zendesk keeps one rating per ticket, so the id is the
 *   same whether it came from the JSON or the CSV, and reloading with more files replaces
 *   instead of duplicating); refund_id = the ticket Id; customer_id as the refund.
 * - from the ratings JSON when given (its created_at and comment), else from the CSV's
 *   "Satisfaction Score" with responded_at = Solved at (else Updated at) and no comment.
 *
 * agents.csv: every assignee seen on any ticket (agents exist beyond refunds); agent_id as
 * above, name = Assignee, team = the Group they most often appear in (ties: the group of
 * their latest ticket), manager_id / hired_at unknown.
 */
import * as path from 'node:path';
import { DECISIONS } from '@refunds/shared';
import type { Cell, ImportContext, Row, Tables } from './common';
import { ImportError, emptyToNull, isRecord, jsonString, parseDecimal, parseInteger, parseTimestamp, toCode, withSource } from './common';
import { type CsvTable, cell, csvTableFromText, isJsonText, parseJsonText, readText } from './csv';
import { emailCustomerId, orderKey } from '../reconcile/keys';

const FORMAT = 'zendesk-tickets';

const VIA_CHANNEL: Record<string, string> = {
  web_form: 'web',
  web_widget: 'web',
  web: 'web',
  help_center: 'web',
  closed_ticket: 'web',
  email: 'email',
  mail: 'email',
  chat: 'chat',
  messaging: 'chat',
  native_messaging: 'chat',
  'phone_call_(incoming)': 'phone',
  'phone_call_(outgoing)': 'phone',
  phone_call: 'phone',
  phone: 'phone',
  voice: 'phone',
  voicemail: 'phone',
  web_service: 'api',
  api: 'api',
  mobile_sdk: 'app',
  mobile: 'app',
  facebook: 'social',
  facebook_post: 'social',
  facebook_message: 'social',
  twitter: 'social',
  twitter_dm: 'social',
  whatsapp: 'social',
  instagram: 'social',
  instagram_dm: 'social',
  sms: 'sms',
};

export function channelFromVia(via: string): string {
  const v = toCode(via);
  if (v === '') return 'web';
  const direct = VIA_CHANNEL[v];
  if (direct) return direct;
  if (v.startsWith('phone') || v.startsWith('voice')) return 'phone';
  if (v.includes('chat')) return 'chat';
  return v.replace(/[()]/g, '');
}

const REJECT_TAGS = new Set(['refund_denied', 'refund_rejected', 'refund_declined', 'denied', 'rejected', 'declined']);
const PARTIAL_TAGS = new Set(['refund_partial', 'partial_refund', 'partially_refunded', 'refund_partially']);
const WITHDRAWN_TAGS = new Set(['refund_withdrawn', 'refund_cancelled', 'refund_canceled', 'withdrawn']);
const ESCALATION_TAGS = new Set(['escalated', 'escalation', 'refund_escalated']);
const DECISION_NAMES: ReadonlySet<string> = new Set(DECISIONS);

function isRefundTag(tag: string): boolean {
  return tag === 'refund' || tag === 'refunds' || tag.startsWith('refund_') || tag.startsWith('refund-');
}

function splitTags(raw: string): string[] {
  return raw
    .split(/[\s,]+/)
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
}

/** good -> 5, bad -> 1, anything else (offered, unoffered, '') -> null. */
export function csatScore(raw: string): number | null {
  const v = raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  if (v.startsWith('good')) return 5;
  if (v.startsWith('bad')) return 1;
  return null;
}

/** Custom field header "Refund reason [list]" -> "refund reason". */
function fieldBase(normalizedHeader: string): string {
  return normalizedHeader.replace(/\s*\[[^\]]*\]\s*$/, '').trim();
}

interface Rating {
  id: string;
  ticketId: string;
  score: number | null;
  createdAt: string | null;
  comment: string | null;
  requesterId: string | null;
  where: string;
}

function collectRatings(value: unknown, file: string, out: Rating[]): boolean {
  const list: unknown[] | null = Array.isArray(value)
    ? value
    : isRecord(value) && Array.isArray(value['satisfaction_ratings'])
      ? value['satisfaction_ratings']
      : isRecord(value) && isRecord(value['satisfaction_rating'])
        ? [value['satisfaction_rating']]
        : null;
  if (list === null) return false;
  list.forEach((item, i) => {
    if (!isRecord(item)) return;
    const ticketId = jsonString(item['ticket_id']);
    if (ticketId === null) return;
    out.push({
      id: jsonString(item['id']) ?? ticketId,
      ticketId,
      score: csatScore(jsonString(item['score']) ?? ''),
      createdAt: jsonString(item['created_at']) ?? jsonString(item['updated_at']),
      comment: jsonString(item['comment']),
      requesterId: jsonString(item['requester_id']),
      where: `${path.basename(file)} record ${i + 1}`,
    });
  });
  return true;
}

function amountNote(tables: CsvTable[]): string {
  const has = tables.some((t) => t.findCol((h) => ['refund amount', 'amount', 'requested amount'].includes(fieldBase(h))) >= 0);
  return has ? 'the amount field is blank' : 'the export has no amount field';
}

interface TicketRef {
  refundId: string;
  customerId: string;
  respondedAt: Cell;
}

export async function convertZendeskTickets(files: string[], ctx: ImportContext): Promise<Tables> {
  const { warnings } = ctx;
  const tables: CsvTable[] = [];
  const ratings: Rating[] = [];

  for (const file of files) {
    const { text, encoding } = await readText(file, FORMAT);
    if (isJsonText(file, text)) {
      if (!collectRatings(parseJsonText(file, FORMAT, text), file, ratings)) {
        throw new ImportError('BAD_FILE', `${FORMAT}: ${path.basename(file)} is not a satisfaction_ratings export`);
      }
      continue;
    }
    const t = csvTableFromText(file, FORMAT, text, encoding);
    if (encoding !== 'utf-8') warnings.add(`${FORMAT}: ${t.name} decoded as ${encoding}`);
    tables.push(t);
  }
  if (tables.length === 0) {
    throw new ImportError('BAD_FILE', `${FORMAT}: no ticket CSV export among the inputs (a ratings JSON alone cannot tell which tickets are refunds)`);
  }

  const refunds: Row<'refunds'>[] = [];
  const surveys = new Map<string, Row<'surveys'>>();
  const refundTickets = new Map<string, TicketRef>();
  const seenTickets = new Set<string>();
  const agentGroups = new Map<string, { name: string; groups: Map<string, number>; latest: string; latestGroup: string }>();
  let noAmount = 0;

  for (const t of tables) {
    const c = {
      id: t.require('Id', 'Ticket ID', 'Ticket Id'),
      requesterId: t.require('Requester id', 'Requester ID'),
      requesterEmail: t.col('Requester email', 'Requester e-mail', 'Requester Email'),
      status: t.require('Status'),
      createdAt: t.require('Created at', 'Created'),
      tags: t.col('Tags'),
      ticketType: t.col('Ticket type', 'Type'),
      assignee: t.col('Assignee'),
      assigneeId: t.col('Assignee id', 'Assignee ID'),
      group: t.col('Group'),
      via: t.col('Via', 'Channel'),
      updatedAt: t.col('Updated at'),
      solvedAt: t.col('Solved at'),
      satisfaction: t.col('Satisfaction Score', 'Satisfaction rating'),
      reopens: t.col('Reopens'),
      replies: t.col('Replies'),
      groupStations: t.col('Group stations'),
      reason: t.findCol((h) => ['refund reason', 'reason'].includes(fieldBase(h))),
      orderId: t.findCol((h) => ['order number', 'order id', 'order', 'order no'].includes(fieldBase(h))),
      amount: t.findCol((h) => ['refund amount', 'amount', 'requested amount'].includes(fieldBase(h))),
      refundedAmount: t.findCol((h) => ['refunded amount'].includes(fieldBase(h))),
      currency: t.findCol((h) => fieldBase(h) === 'currency'),
      decisionField: t.findCol((h) => ['refund decision', 'decision'].includes(fieldBase(h))),
      sku: t.findCol((h) => ['sku', 'product id', 'product sku'].includes(fieldBase(h))),
      productLine: t.findCol((h) => ['product line', 'product category', 'category', 'product'].includes(fieldBase(h))),
    };
    if (c.tags < 0 && c.ticketType < 0) throw t.missing('Tags');
    if (c.via < 0) warnings.add(`${FORMAT}: ${t.name} has no Via column; channel set to web`);

    t.rows.forEach((row, r) => {
      const id = cell(row, c.id);
      if (id === '') return;
      if (seenTickets.has(id)) {
        warnings.add(`${FORMAT}: ticket listed twice; first kept`, id);
        return;
      }
      seenTickets.add(id);
      const status = cell(row, c.status).toLowerCase();
      const tags = splitTags(cell(row, c.tags));
      const assignee = cell(row, c.assignee);
      const agentId = emptyToNull(cell(row, c.assigneeId)) ?? emptyToNull(assignee);
      const createdRaw = cell(row, c.createdAt);

      // agents: every assignee of every ticket
      if (agentId !== null) {
        const group = cell(row, c.group);
        let a = agentGroups.get(agentId);
        if (!a) {
          a = { name: assignee, groups: new Map(), latest: '', latestGroup: '' };
          agentGroups.set(agentId, a);
        }
        if (group !== '') {
          a.groups.set(group, (a.groups.get(group) ?? 0) + 1);
          const when = parseTimestamp(createdRaw) ?? '';
          if (when >= a.latest) {
            a.latest = when;
            a.latestGroup = group;
          }
        }
      }

      if (status === 'deleted') return;
      const typeText = cell(row, c.ticketType).toLowerCase();
      const isRefund = tags.some(isRefundTag) || typeText.includes('refund');
      if (!isRefund) {
        return;
      }

      const where = t.where(r);
      const refundId = id;
      const email = cell(row, c.requesterEmail);
      const customerId = email !== '' ? emailCustomerId(email) : `zd:${cell(row, c.requesterId)}`;
      if (cell(row, c.requesterId) === '') warnings.add(`${FORMAT}: ticket without Requester id`, where);

      // decision
      const solved = status === 'solved' || status === 'closed';
      let decision = 'pending';
      const decisionField = toCode(cell(row, c.decisionField));
      if (DECISION_NAMES.has(decisionField)) decision = decisionField;
      else if (solved) {
        if (tags.some((x) => REJECT_TAGS.has(x))) decision = 'rejected';
        else if (tags.some((x) => PARTIAL_TAGS.has(x))) decision = 'partial';
        else if (tags.some((x) => WITHDRAWN_TAGS.has(x))) decision = 'withdrawn';
        else decision = 'approved';
      } else if (!['new', 'open', 'pending', 'hold', 'on-hold', 'on_hold'].includes(status)) {
        warnings.add(`${FORMAT}: unknown ticket status read as pending`, `${id}: ${status}`);
      }

      const requestedAt = parseTimestamp(createdRaw);
      if (requestedAt === undefined) warnings.add(`${FORMAT}: unreadable Created at kept as written`, where);
      let decidedAt: Cell = null;
      if (decision !== 'pending') {
        let raw = cell(row, c.solvedAt);
        if (raw === '') {
          raw = cell(row, c.updatedAt);
          warnings.add(`${FORMAT}: solved ticket without Solved at; Updated at used`, id);
        }
        const v = parseTimestamp(raw);
        if (v === undefined) warnings.add(`${FORMAT}: unreadable Solved at kept as written`, where);
        decidedAt = v === undefined ? raw : v;
      }

      // reason: custom field, else the first non-refund tag
      let reason = toCode(cell(row, c.reason));
      if (reason === '') {
        const tag = tags.find((x) => !isRefundTag(x) && !REJECT_TAGS.has(x) && !PARTIAL_TAGS.has(x) && !WITHDRAWN_TAGS.has(x) && !ESCALATION_TAGS.has(x));
        reason = tag ?? 'unspecified';
      }

      const orderId = emptyToNull(cell(row, c.orderId));
      if (orderId === null) warnings.add(`${FORMAT}: refund ticket without order number (the loader will reject it)`, id);

      // money
      let requested: Cell = null;
      if (c.amount >= 0) {
        const raw = cell(row, c.amount);
        const v = parseDecimal(raw);
        requested = v === undefined ? raw : v;
      }
      if (requested === null) {
        requested = '0';
        noAmount += 1;
      }
      let refunded: Cell = null;
      if (c.refundedAmount >= 0 && cell(row, c.refundedAmount) !== '') {
        const raw = cell(row, c.refundedAmount);
        refunded = parseDecimal(raw) ?? raw;
      } else if (decision === 'rejected' || decision === 'withdrawn') refunded = '0';
      else if (decision === 'approved' && c.amount >= 0 && requested !== '0') refunded = requested;

      const reopens = parseInteger(cell(row, c.reopens));
      const groupStations = parseInteger(cell(row, c.groupStations));
      const escalated = tags.some((x) => ESCALATION_TAGS.has(x)) || (groupStations !== null && groupStations !== undefined && Number(groupStations) > 1);
      const contacts = parseInteger(cell(row, c.replies));

      refunds.push(
        withSource<Row<'refunds'>>(
          {
            refund_id: refundId,
            order_id: orderId,
            customer_id: customerId,
            agent_id: agentId,
            channel: c.via >= 0 ? channelFromVia(cell(row, c.via)) : 'web',
            product_id: emptyToNull(cell(row, c.sku)),
            product_line: emptyToNull(cell(row, c.productLine)),
            reason_code: reason,
            reason_text: null,
            requested_at: requestedAt === undefined ? createdRaw : requestedAt,
            decided_at: decidedAt,
            paid_at: null,
            decision,
            requested_amount: requested,
            refunded_amount: refunded,
            currency: emptyToNull(cell(row, c.currency)) ?? ctx.reportingCurrency,
            payout_method: null,
            payout_status: null,
            contacts: contacts === undefined ? cell(row, c.replies) : contacts,
            escalated: c.tags >= 0 || c.groupStations >= 0 ? String(escalated) : null,
            reopened: reopens === null || reopens === undefined ? null : String(Number(reopens) > 0),
            campaign: null,
          },
          t.file,
          t.lines[r],
        ),
      );

      const solvedAt = parseTimestamp(cell(row, c.solvedAt)) ?? parseTimestamp(cell(row, c.updatedAt)) ?? null;
      refundTickets.set(id, { refundId, customerId, respondedAt: solvedAt });

      const score = csatScore(cell(row, c.satisfaction));
      if (score !== null) {
        surveys.set(id, {
          survey_id: `zd-csat:${id}`,
          refund_id: refundId,
          customer_id: customerId,
          kind: 'csat',
          score: String(score),
          responded_at: solvedAt ?? requestedAt ?? null,
          comment: null,
        });
      }
    });
  }

  if (noAmount > 0) {
    warnings.add(
      `${FORMAT}: ${noAmount} refund tickets carry no amount (${amountNote(tables)}); requested_amount set to 0, refunded_amount left empty (0 when rejected); join with Stripe/Shopify data by order_id for money figures`,
    );
  }

  // the ratings JSON replaces CSV-derived answers of the same ticket
  let nonRefundRatings = 0;
  for (const rating of ratings) {
    const ticket = refundTickets.get(rating.ticketId);
    if (!ticket) {
      if (seenTickets.has(rating.ticketId)) nonRefundRatings += 1;
      else warnings.add(`${FORMAT}: rating of a ticket not in the ticket export skipped`, `ticket ${rating.ticketId}`);
      continue;
    }
    if (rating.score === null) {
      // offered / unoffered: not an answer (a CSV-derived answer of the same ticket is kept)
      continue;
    }
    const respondedAt = rating.createdAt !== null ? parseTimestamp(rating.createdAt) : null;
    if (respondedAt === undefined) warnings.add(`${FORMAT}: unreadable rating created_at kept as written`, rating.where);
    surveys.set(rating.ticketId, {
      survey_id: `zd-csat:${rating.ticketId}`,
      refund_id: ticket.refundId,
      customer_id: ticket.customerId,
      kind: 'csat',
      score: String(rating.score),
      responded_at: respondedAt === undefined ? rating.createdAt : (respondedAt ?? ticket.respondedAt),
      comment: rating.comment,
    });
  }
  if (nonRefundRatings > 0) {
    warnings.add(`${FORMAT}: ${nonRefundRatings} satisfaction ratings belong to non-refund tickets and were not imported`);
  }

  const agents: Row<'agents'>[] = [];
  for (const [agentId, a] of agentGroups) {
    let team: string | null = null;
    let best = 0;
    for (const [group, count] of a.groups) {
      if (count > best || (count === best && group === a.latestGroup)) {
        best = count;
        team = group;
      }
    }
    agents.push({ agent_id: agentId, name: emptyToNull(a.name), team, manager_id: null, hired_at: null });
  }

  const tickets = refunds.map((r) => ({
    ...r,
    ticket_id: r.refund_id ?? null,
    source: 'zendesk',
    order_ref: r.order_id ?? null,
    order_key: orderKey(r.order_id),
  }));
  return { refunds, surveys: [...surveys.values()], agents, sources: { src_tickets: tickets } };
}
