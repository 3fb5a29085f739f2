import { Injectable } from '@nestjs/common';
import { FILTER_COLUMNS, type RefundFilter } from '@refunds/shared';
import { badInput } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import { validateFilter } from '../../common/semantic/filter';
import { isValidDate } from '../../common/graphql/date.scalar';
import type { Principal } from '../auth/auth.types';
import { OwnedRecordsService } from '../auth/owned-records.service';
import type { SavedView } from './models/saved-view.model';
import { SavedViewsRepository } from './saved-views.repository';

export const PAGES = ['/', '/incentives', '/reasons', '/channels', '/outcomes', '/policy', '/data'] as const;

/** A JSON object (not an array), or BAD_USER_INPUT on `arg`. */
function parseJsonObject(json: string, arg: string): object {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw badInput(arg, 'is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badInput(arg, 'must be a JSON object');
  return v;
}

/** Parses a stored filter strictly: only RefundFilter's keys, with their types. */
export function parseFilterJson(json: string, arg = 'filter'): RefundFilter {
  const out: RefundFilter = {};
  for (const [k, val] of Object.entries(parseJsonObject(json, arg))) {
    if (k === 'from' || k === 'to') {
      if (val === null) continue;
      if (typeof val !== 'string' || !isValidDate(val)) throw badInput(`${arg}.${k}`, 'must be YYYY-MM-DD');
      out[k] = val;
    } else if (Object.hasOwn(FILTER_COLUMNS, k)) {
      if (!Array.isArray(val) || val.some((x) => typeof x !== 'string')) throw badInput(`${arg}.${k}`, 'must be a list of strings');
      out[k as keyof typeof FILTER_COLUMNS] = val as string[];
    } else throw badInput(arg, `unknown key "${k.slice(0, 40)}"`);
  }
  return validateFilter(out, arg);
}

const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/**
 * Parses stored page parameters strictly: {name: [string values]}, names as in a query string,
 * at most 30 names, 50 values each, 200 characters a value.
 */
export function parseParamsJson(json: string, arg = 'params'): Record<string, string[]> {
  if (json.length > 20_000) throw badInput(arg, 'at most 20000 characters');
  const entries = Object.entries(parseJsonObject(json, arg));
  if (entries.length > 30) throw badInput(arg, 'at most 30 parameters');
  const out: Record<string, string[]> = {};
  for (const [k, val] of entries) {
    if (!PARAM_NAME.test(k)) throw badInput(arg, `bad parameter name "${k.slice(0, 40)}"`);
    if (!Array.isArray(val) || val.length > 50 || val.some((x) => typeof x !== 'string' || x.length > 200)) {
      throw badInput(`${arg}.${k}`, 'must be a list of at most 50 strings of at most 200 characters');
    }
    out[k] = val as string[];
  }
  return out;
}

@Injectable()
export class SavedViewsService extends OwnedRecordsService<SavedView, SavedViewsRepository> {
  constructor(repo: SavedViewsRepository, audit: AuditService) {
    super(repo, audit, { noun: 'saved view', owner: (v) => v.owner, deletedAction: 'saved-view-deleted' });
  }

  add(name: string, page: string, filter: string, params: string | null | undefined, who: Principal): Promise<SavedView> {
    const n = name.trim();
    if (n.length === 0 || n.length > 200) throw badInput('name', 'must be 1..200 characters');
    if (!(PAGES as readonly string[]).includes(page)) throw badInput('page', `must be one of ${PAGES.join(', ')}`);
    if (filter.length > 20_000) throw badInput('filter', 'at most 20000 characters');
    const parsed = parseFilterJson(filter);
    const p = params === null || params === undefined ? null : parseParamsJson(params);
    return this.repo.add({ name: n, page, filter: JSON.stringify(parsed), params: p && Object.keys(p).length ? JSON.stringify(p) : null, owner: who.name });
  }
}
