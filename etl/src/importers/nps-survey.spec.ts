import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { specFixtures } from '../testing/fixtures';
import { convertAndRead } from '../testing/importers';

const SAMPLE = specFixtures('surveys', 'nps_responses.csv');
const FIX = join(__dirname, '__fixtures__');

const convert = (paths: string[]) => convertAndRead('nps-survey', paths, ['surveys']);

describe('nps-survey on the sample', () => {
  it('writes 40 NPS answers: 10 promoters, 8 passives, 22 detractors (NPS -30)', async () => {
    const { result, surveys } = await convert([SAMPLE]);
    expect(result.counts).toEqual({ surveys: 40 });
    expect(result.warnings).toEqual([]);
    const scores = surveys.map((s) => Number(s.score));
    const promoters = scores.filter((s) => s >= 9).length;
    const detractors = scores.filter((s) => s <= 6).length;
    expect([promoters, scores.length - promoters - detractors, detractors]).toEqual([10, 8, 22]);
    expect((100 * (promoters - detractors)) / scores.length).toBe(-30);
    expect(surveys.every((s) => s.kind === 'nps' && s.refund_id === '')).toBe(true);
    expect(surveys[0]).toEqual({
      survey_id: 'nps:R3000',
      refund_id: '',
      customer_id: 'U1029',
      kind: 'nps',
      score: '0',
      responded_at: '2024-01-17T00:00:00Z',
      comment: 'The UI is confusing.',
    });
  });
});

describe('nps-survey, Delighted style', () => {
  it('reads id/person/survey_type/score/comment/created_at, skips unanswered and non-NPS/CSAT types', async () => {
    const { result, surveys } = await convert([join(FIX, 'delighted-responses.csv')]);
    expect(result.counts).toEqual({ surveys: 4 });
    expect(surveys.map((s) => [s.survey_id, s.customer_id, s.kind, s.score, s.responded_at])).toEqual([
      ['nps:9001', 'delighted:44112', 'nps', '10', '2025-01-05T00:00:00Z'],
      ['nps:9002', 'delighted:44113', 'nps', '6', '2025-01-06T00:00:00Z'],
      ['nps:9003', 'delighted:44114', 'csat', '4', '2025-01-07T00:00:00Z'],
      ['nps:9006', 'nps:anonymous-9006', 'nps', '9', '2025-01-10T00:00:00Z'],
    ]);
    expect(surveys[0]?.comment).toBe('Great, fast refund');
    const w = result.warnings.join('\n');
    expect(w).toContain('survey type is neither nps nor csat; skipped: 1 row (9004: ces)');
    expect(w).toContain('answer without a score skipped');
  });

  it('reads the Delighted API JSON array', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nps-spec-'));
    const file = join(dir, 'responses.json');
    await writeFile(
      file,
      JSON.stringify([
        { id: '1', person: '55', survey_type: 'nps', score: 8, comment: null, created_at: 1736035200 },
        { id: '2', person: { id: '56', email: 'P@Example.com' }, survey_type: 'nps', score: 3, comment: 'slow', created_at: 1736121600 },
      ]),
    );
    const { surveys } = await convert([file]);
    expect(surveys.map((s) => [s.survey_id, s.customer_id, s.score, s.comment])).toEqual([
      ['nps:1', 'delighted:55', '8', ''],
      ['nps:2', 'delighted:56', '3', 'slow'],
    ]);
  });

  it('names a missing score column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nps-spec-'));
    const file = join(dir, 'answers.csv');
    await writeFile(file, 'response_id,user_id,response_date\nR1,U1,2024-01-01\n');
    await expect(convert([file])).rejects.toMatchObject({ code: 'MISSING_COLUMN', message: 'nps-survey: answers.csv lacks column "score"' });
  });
});
