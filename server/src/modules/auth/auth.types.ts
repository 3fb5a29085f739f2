import type { Role } from '@refunds/shared';

export interface Principal {
  userId: number | null;
  name: string;
  role: Role;
  tokenId: number | null;
}

/** What each role may do; checked by the guard and by services that hide fields. */
export const CAN = {
  seeAgentNames: (r: Role) => r !== 'product',
  seeCustomerIds: (r: Role) => r === 'admin',
  write: (r: Role) => r !== 'analyst',
  adminTokens: (r: Role) => r === 'admin',
  load: (r: Role) => r === 'admin',
} as const;
