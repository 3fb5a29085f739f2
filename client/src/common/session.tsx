import { createContext, useContext, type ReactNode } from 'react';
import type { FilterOptions, Me } from './types';
import { useGql, type GqlState } from './useGql';
import type * as G from './generated/graphql';

interface Session {
  me: Me;
  /** The product role sees agents only as pseudonymous ranks, never by name. */
  canSeeAgents: boolean;
  /** Analysts read only: no saved views or annotations of their own. */
  canWrite: boolean;
  options: GqlState<{ filterOptions: FilterOptions }>;
}

const Ctx = createContext<Session | null>(null);

const OPTIONS_QUERY = /* GraphQL */ `query FilterOptions { filterOptions { channels productLines reasonCodes teams campaigns agents { agentId name team } minDate maxDate reportingCurrency } }`;

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  const options = useGql<G.FilterOptionsQuery>(OPTIONS_QUERY, undefined);
  return <Ctx.Provider value={{ me, canSeeAgents: me.role !== 'product', canWrite: me.role !== 'analyst', options }}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
