/**
 * nps-survey: NPS survey answers -> surveys.csv (kind nps, refund_id empty).
 *
 * Accepted shapes (columns matched case-insensitively):
 * - the sample's style: `response_id, user_id, score, comment, response_date`;
 * - Delighted style: `id, person, survey_type, score, comment, created_at` (CSV, or the
 *   JSON array the Delighted API returns; created_at in unix seconds or ISO);
 * - common aliases: Response ID / survey_id, customer_id / person_id / email, Feedback,
 *   responded_at / Date / Timestamp.
 * Required: an id column (response_id or id) and score. Stable ids matter: reloading the same
 * answers must replace rows, not add them, so rows are never numbered by position.
 *
 * Mapping:
 * - survey_id = "nps:" + response id (prefixed so survey tools' numeric ids cannot collide
 *   with CSAT survey ids from the helpdesk importers).
 * - customer_id: user_id / customer_id as is (the shop's own customer id, passed to the
 *   survey tool, so it joins to orders and refunds); Delighted's person id as
 *   "delighted:" + id (an id internal to Delighted); an e-mail column as "email:" +
 *   sha256-16 (no PII stored); no respondent at all -> "nps:anonymous-" + response id (one
 *   pseudo-customer per answer: NPS counts every answer, the contract requires a customer).
 * - kind: nps; a survey_type column may say csat (kept as csat, 1..5) while other Delighted
 *   types (ces, pmf, enps, ...) are skipped with a warning, their scales differ.
 * - score: integer 0..10 ("9.0" -> 9); an empty score is no answer and the row is skipped;
 *   out-of-range or non-integer values are written as they are (the loader rejects them).
 * - responded_at: response_date / created_at; a date without time is midnight UTC.
 * - refund_id: empty. NPS is asked about the relationship, not about one refund, so no
 *   refund link is invented (e.g. "the customer's latest refund"); the answers feed the
 *   overall NPS and per-customer analysis, not the refund-dimension groupings.
 */
import * as path from 'node:path';
import type { Cell, ImportContext, Row, Tables } from './common';
import { ImportError, emptyToNull, fromUnixSeconds, isRecord, jsonString, parseInteger, parseTimestamp, pseudonymousId } from './common';
import { cell, csvTableFromText, isJsonText, parseJsonText, readText } from './csv';

const FORMAT = 'nps-survey';

interface Answer {
  id: string;
  userId: string;
  person: string;
  email: string;
  surveyType: string;
  score: string;
  comment: string;
  respondedAt: string;
  where: string;
}

function timestampOf(raw: string): Cell | undefined {
  const v = raw.trim();
  if (/^\d{9,11}(\.\d+)?$/.test(v)) return fromUnixSeconds(Number(v));
  if (/^\d{12,13}$/.test(v)) return new Date(Number(v)).toISOString().replace('.000Z', 'Z');
  return parseTimestamp(v);
}

function answersFromJson(value: unknown, file: string): Answer[] {
  const list = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value['data']) ? value['data'] : null;
  if (list === null) throw new ImportError('BAD_FILE', `${FORMAT}: ${path.basename(file)} is not a JSON array of survey responses`);
  const out: Answer[] = [];
  list.forEach((item, i) => {
    if (!isRecord(item)) return;
    const person = item['person'];
    out.push({
      id: jsonString(item['id']) ?? jsonString(item['response_id']) ?? '',
      userId: jsonString(item['user_id']) ?? jsonString(item['customer_id']) ?? '',
      person: isRecord(person) ? (jsonString(person['id']) ?? '') : (jsonString(person) ?? ''),
      email: isRecord(person) ? (jsonString(person['email']) ?? '') : (jsonString(item['email']) ?? ''),
      surveyType: jsonString(item['survey_type']) ?? '',
      score: jsonString(item['score']) ?? '',
      comment: jsonString(item['comment']) ?? '',
      respondedAt: jsonString(item['created_at']) ?? jsonString(item['response_date']) ?? jsonString(item['responded_at']) ?? '',
      where: `${path.basename(file)} record ${i + 1}`,
    });
  });
  return out;
}

export async function convertNpsSurvey(files: string[], ctx: ImportContext): Promise<Tables> {
  const { warnings } = ctx;
  const answers: Answer[] = [];

  for (const file of files) {
    const { text, encoding } = await readText(file, FORMAT);
    if (isJsonText(file, text)) {
      answers.push(...answersFromJson(parseJsonText(file, FORMAT, text), file));
      continue;
    }
    const t = csvTableFromText(file, FORMAT, text, encoding);
    const c = {
      id: t.require('response_id', 'id', 'Response ID', 'survey_id', 'answer_id'),
      score: t.require('score', 'NPS score', 'Rating'),
      userId: t.col('user_id', 'customer_id', 'User ID', 'Customer ID'),
      person: t.col('person', 'person_id'),
      email: t.col('email', 'Email', 'person_email', 'Respondent email'),
      surveyType: t.col('survey_type', 'Survey type'),
      comment: t.col('comment', 'Comment', 'feedback', 'Feedback'),
      respondedAt: t.col('response_date', 'created_at', 'responded_at', 'Response timestamp', 'Date', 'timestamp', 'Created', 'submitted_at'),
    };
    if (c.respondedAt < 0) throw t.missing('response_date');
    t.rows.forEach((row, r) =>
      answers.push({
        id: cell(row, c.id),
        userId: cell(row, c.userId),
        person: cell(row, c.person),
        email: cell(row, c.email),
        surveyType: cell(row, c.surveyType),
        score: cell(row, c.score),
        comment: cell(row, c.comment),
        respondedAt: cell(row, c.respondedAt),
        where: t.where(r),
      }),
    );
  }

  const surveys = new Map<string, Row<'surveys'>>();
  for (const a of answers) {
    if (a.id === '') {
      warnings.add(`${FORMAT}: answer without an id skipped`, a.where);
      continue;
    }
    const type = a.surveyType.trim().toLowerCase();
    let kind = 'nps';
    if (type !== '' && type !== 'nps') {
      if (type === 'csat') kind = 'csat';
      else {
        warnings.add(`${FORMAT}: survey type is neither nps nor csat; skipped`, `${a.id}: ${type}`);
        continue;
      }
    }
    if (a.score === '') {
      warnings.add(`${FORMAT}: answer without a score skipped`, a.where);
      continue;
    }
    const score = parseInteger(a.score);
    const max = kind === 'nps' ? 10 : 5;
    const min = kind === 'nps' ? 0 : 1;
    if (score === undefined || score === null || Number(score) < min || Number(score) > max) {
      warnings.add(`${FORMAT}: score outside ${min}..${max} kept as written`, `${a.where}: ${a.score}`);
    }
    const customerId =
      a.userId !== '' ? a.userId : a.person !== '' ? `delighted:${a.person}` : a.email !== '' ? pseudonymousId(a.email, 'email:') : `nps:anonymous-${a.id}`;
    const respondedAt = timestampOf(a.respondedAt);
    if (respondedAt === undefined) warnings.add(`${FORMAT}: unreadable response date kept as written`, a.where);
    if (respondedAt === null) warnings.add(`${FORMAT}: answer without a response date (the loader will reject it)`, a.where);
    const surveyId = `nps:${a.id}`;
    if (surveys.has(surveyId)) warnings.add(`${FORMAT}: answer listed twice; last kept`, a.id);
    surveys.set(surveyId, {
      survey_id: surveyId,
      refund_id: null,
      customer_id: customerId,
      kind,
      score: score ?? a.score,
      responded_at: respondedAt === undefined ? a.respondedAt : respondedAt,
      comment: emptyToNull(a.comment),
    });
  }
  return { surveys: [...surveys.values()] };
}
