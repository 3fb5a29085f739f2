import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertExport } from './index';
import { emailCustomerId } from '../reconcile/keys';
import { channelFromVia, csatScore } from './zendesk-tickets';
import { specFixtures } from '../testing/fixtures';
import { convertAndRead, tally } from '../testing/importers';

const TICKETS = specFixtures('zendesk', 'tickets_export.csv');
const RATINGS = specFixtures('zendesk', 'satisfaction_ratings.json');
const FIX = join(__dirname, '__fixtures__');

const convert = (paths: string[]) => convertAndRead('zendesk-tickets', paths, ['refunds', 'surveys', 'agents'], { alone: true });

describe('zendesk-tickets on the sample export + ratings', () => {
  let r: Awaited<ReturnType<typeof convert>>;
  beforeAll(async () => {
    r = await convert([TICKETS, RATINGS]);
  });

  it('keeps only the 35 refund-tagged tickets of 50', () => {
    expect(r.result.counts).toEqual({ refunds: 35, surveys: 15, agents: 4 });
    expect(r.refunds.some((x) => x.refund_id === '40004')).toBe(false); // "Where is my parcel", tag quality_defect only
  });

  it('derives decisions from status: 31 solved -> approved, 4 open -> pending', () => {
    expect(tally(r.refunds, 'decision')).toEqual({ approved: 31, pending: 4 });
    for (const x of r.refunds) {
      if (x.decision === 'pending') expect(x.decided_at).toBe('');
      else expect(x.decided_at).not.toBe('');
    }
  });

  it('maps Via to channels, Replies to contacts and Reopens to reopened', () => {
    expect(tally(r.refunds, 'channel')).toEqual({ chat: 12, phone: 9, email: 9, web: 5 });
    expect(r.refunds.reduce((s, x) => s + Number(x.contacts), 0)).toBe(134);
    expect(tally(r.refunds, 'reopened')).toEqual({ false: 31, true: 4 });
    expect(tally(r.refunds, 'escalated')).toEqual({ false: 35 });
  });

  it('takes the reason from the custom field, else from the tag', () => {
    // field: changed_mind 12, late_delivery 10, quality_defect 6; 7 blank -> tags late_delivery 2, quality_defect 3, wrong_item 2
    expect(tally(r.refunds, 'reason_code')).toEqual({ changed_mind: 12, late_delivery: 12, quality_defect: 9, wrong_item: 2 });
    expect(r.refunds.find((x) => x.refund_id === '40002')).toMatchObject({
      order_id: '#1002',
      customer_id: emailCustomerId('customer2@example.com'), // linked by e-mail across systems
      agent_id: 'Li Na',
      reason_code: 'changed_mind', // field wins over the tag late_delivery
      requested_at: '2025-03-03T11:15:00Z',
      decision: 'pending',
      requested_amount: '0',
      refunded_amount: '',
      currency: 'CNY',
    });
    expect(r.result.warnings.join('\n')).toContain('35 refund tickets carry no amount');
  });

  it('builds CSAT surveys of refund tickets only: good -> 5, bad -> 1', () => {
    expect(tally(r.surveys, 'score')).toEqual({ '5': 6, '1': 9 });
    expect(r.surveys.every((s) => s.kind === 'csat' && s.refund_id === s.survey_id.replace('zd-csat:', ''))).toBe(true);
    expect(r.surveys.find((s) => s.survey_id === 'zd-csat:40024')).toMatchObject({
      refund_id: '40024',
      customer_id: emailCustomerId('customer1@example.com'),
      score: '5',
      responded_at: '2025-03-25T09:15:00Z', // the rating's created_at
      comment: 'Quick and fair',
    });
    expect(r.result.warnings.join('\n')).toContain('8 satisfaction ratings belong to non-refund tickets');
  });

  it('lists every assignee as an agent with their most frequent group', () => {
    expect(r.agents).toEqual([
      { agent_id: 'Zhang Wei', name: 'Zhang Wei', team: 'Tier 2', manager_id: '', hired_at: '' },
      { agent_id: 'Li Na', name: 'Li Na', team: 'Refunds', manager_id: '', hired_at: '' },
      { agent_id: 'Chen Jie', name: 'Chen Jie', team: 'Tier 2', manager_id: '', hired_at: '' }, // 9/9 tie: latest ticket 40025 is Tier 2
      { agent_id: 'Wang Fang', name: 'Wang Fang', team: 'Refunds', manager_id: '', hired_at: '' },
    ]);
  });
});

describe('zendesk-tickets without the ratings JSON', () => {
  it('reads CSAT from Satisfaction Score (Offered/Unoffered = no answer), dated at Solved at, with the same ids', async () => {
    const r = await convert([TICKETS]);
    expect(r.result.counts).toEqual({ refunds: 35, surveys: 15, agents: 4 });
    expect(r.surveys.find((s) => s.survey_id === 'zd-csat:40024')).toMatchObject({ score: '5', responded_at: '2025-03-25T09:55:00Z', comment: '' });
  });

  it('needs the ticket CSV', async () => {
    const out = await mkdtemp(join(tmpdir(), 'zendesk-spec-'));
    await expect(convertExport('zendesk-tickets', [RATINGS], out)).rejects.toMatchObject({ code: 'BAD_FILE' });
  });
});

describe('zendesk-tickets edge cases', () => {
  it('reads decision tags, escalation, amounts and ticket types', async () => {
    const r = await convert([join(FIX, 'zendesk-decisions.csv')]);
    expect(r.result.counts).toEqual({ refunds: 4, surveys: 2, agents: 2 });
    const by = (id: string) => r.refunds.find((x) => x.refund_id === id);
    expect(by('1')).toMatchObject({
      decision: 'rejected',
      refunded_amount: '0',
      requested_amount: '49.90',
      reason_code: 'changed_mind',
      channel: 'email',
      decided_at: '2025-01-02T09:00:00Z',
    });
    expect(by('2')).toMatchObject({
      decision: 'partial',
      refunded_amount: '',
      channel: 'phone', // Voicemail
      decided_at: '2025-01-03T10:00:00Z', // no Solved at: Updated at
      escalated: 'true', // Group stations 2
      reopened: 'true',
      reason_code: 'unspecified',
    });
    expect(by('3')).toMatchObject({ decision: 'pending', agent_id: '', channel: 'app', order_id: '', requested_amount: '0' });
    expect(by('5')).toMatchObject({ decision: 'approved', refunded_amount: '15', escalated: 'true', reason_code: 'wrong_item', channel: 'social' });
    expect(r.surveys.map((s) => [s.survey_id, s.score])).toEqual([
      ['zd-csat:1', '1'],
      ['zd-csat:2', '5'],
    ]);
    expect(r.agents.map((a) => [a.agent_id, a.team])).toEqual([
      ['Ana', 'Refunds'],
      ['Bo', 'Tier 2'],
    ]);
    const w = r.result.warnings.join('\n');
    expect(w).toContain('refund ticket without order number');
    expect(w).toContain('solved ticket without Solved at');
  });

  it('maps Via values and satisfaction words', () => {
    const via = ['Phone call (incoming)', 'Web form', 'Web service', 'Chat', 'Some New Channel'];
    expect(via.map(channelFromVia)).toEqual(['phone', 'web', 'api', 'chat', 'some_new_channel']);
    expect(['Good', 'bad_with_comment', 'Offered', 'Unoffered'].map(csatScore)).toEqual([5, 1, null, null]);
  });
});
