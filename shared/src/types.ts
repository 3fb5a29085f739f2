/** Shapes shared by the server (GraphQL models) and the client. */

export type Grain = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER';
export const GRAINS: readonly Grain[] = ['DAY', 'WEEK', 'MONTH', 'QUARTER'];

export type Direction = 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';

export type Decision = 'approved' | 'partial' | 'rejected' | 'pending' | 'withdrawn';
export const DECISIONS: readonly Decision[] = ['approved', 'partial', 'rejected', 'pending', 'withdrawn'];
export const DECIDED: readonly Decision[] = ['approved', 'partial', 'rejected'];

export type Role = 'admin' | 'executive' | 'product' | 'analyst';
export const ROLES: readonly Role[] = ['admin', 'executive', 'product', 'analyst'];

export interface RefundFilter {
  from?: string | null;
  to?: string | null;
  channels?: string[] | null;
  productLines?: string[] | null;
  reasonCodes?: string[] | null;
  agentIds?: string[] | null;
  teams?: string[] | null;
  campaigns?: string[] | null;
}

export type Locale = 'en' | 'zh-CN';
export interface Label {
  en: string;
  'zh-CN': string;
}

/** A row a load rejected (the loader's load_rejects, and the upload API's answer). */
export interface LoadReject {
  table: string;
  file: string;
  line: number;
  column: string;
  value: string | null;
  reason: string;
}
