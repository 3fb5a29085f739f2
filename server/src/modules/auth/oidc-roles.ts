import type { Role } from '@refunds/shared';

/** Strongest role first: a user in several mapped groups gets the strongest of their roles. */
const ROLE_ORDER: readonly Role[] = ['admin', 'executive', 'product', 'analyst'];

export function roleForGroups(groups: readonly string[], mapping: Record<string, Role>): Role | null {
  const roles = new Set(groups.filter((g) => Object.hasOwn(mapping, g)).map((g) => mapping[g]));
  return ROLE_ORDER.find((r) => roles.has(r)) ?? null;
}

export function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}
