import type { Role } from '@refunds/shared';

export interface Principal {
  userId: number | null;
  name: string;
  role: Role;
  tokenId: number | null;
  /** How this request proved who it is: an Authorization header, or the session cookie. */
  via: 'bearer' | 'session';
}

/** What each role may do; checked by the guard and by services that hide fields. */
export const CAN = {
  seeAgentNames: (r: Role) => r !== 'product',
  seeCustomerIds: (r: Role) => r === 'admin',
  write: (r: Role) => r !== 'analyst',
  adminTokens: (r: Role) => r === 'admin',
  load: (r: Role) => r === 'admin',
  /** Delete what someone else wrote (annotations, saved views). */
  deleteOthers: (r: Role) => r === 'admin',
} as const;

/** The client address as Express sees it (X-Forwarded-For only when REFUNDS_TRUST_PROXY says so). */
export function addressOf(req: { ip?: string; socket?: { remoteAddress?: string } }): string {
  return (req.ip ?? req.socket?.remoteAddress ?? 'unknown').slice(0, 64);
}
