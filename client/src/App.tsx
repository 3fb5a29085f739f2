import { lazy, Suspense } from 'react';
import { NavLink, Route, Routes, useLocation } from 'react-router-dom';
import { AuthGate } from './auth/AuthGate';
import { DrillProvider } from './common/DrillDown';
import { FilterBar } from './common/FilterBar';
import { filterSearch } from './common/filters';
import { useI18n } from './common/i18n';
import { LocaleSwitch } from './common/LocaleSwitch';
import type { MessageKey } from './common/messages';
import { SessionProvider } from './common/session';
import { Skeleton } from './common/States';

const OverviewPage = lazy(() => import('./overview/OverviewPage'));
const IncentivesPage = lazy(() => import('./incentives/IncentivesPage'));
const ReasonsPage = lazy(() => import('./reasons/ReasonsPage'));
const ChannelsPage = lazy(() => import('./channels/ChannelsPage'));
const OutcomesPage = lazy(() => import('./outcomes/OutcomesPage'));
const PolicyPage = lazy(() => import('./policy/PolicyPage'));
const DataPage = lazy(() => import('./data/DataPage'));

const NAV: ReadonlyArray<{ path: string; key: MessageKey }> = [
  { path: '/', key: 'nav.overview' },
  { path: '/incentives', key: 'nav.incentives' },
  { path: '/reasons', key: 'nav.reasons' },
  { path: '/channels', key: 'nav.channels' },
  { path: '/outcomes', key: 'nav.outcomes' },
  { path: '/policy', key: 'nav.policy' },
  { path: '/data', key: 'nav.data' },
];

/** Pages whose numbers do not depend on the refund filter. */
const UNFILTERED = new Set(['/policy', '/data']);

function Shell({ name, role, onSignOut }: { name: string; role: string; onSignOut: () => void }) {
  const { t } = useI18n();
  const location = useLocation();
  // Moving between pages keeps the filter but drops the previous page's own settings.
  const keep = filterSearch(new URLSearchParams(location.search));
  const roleKey = `role.${role}` as MessageKey;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">{t('appTitle')}</span>
        <nav aria-label="main">
          {NAV.map((n) => (
            <NavLink key={n.path} to={{ pathname: n.path, search: keep }} end={n.path === '/'} className={({ isActive }) => (isActive ? 'active' : undefined)}>
              {t(n.key)}
            </NavLink>
          ))}
        </nav>
        <div className="topbar-right">
          <span className="user" data-testid="user-badge" data-role={role}>
            {name} · {['admin', 'executive', 'product', 'analyst'].includes(role) ? t(roleKey) : role}
          </span>
          <LocaleSwitch />
          <button type="button" className="btn subtle" onClick={onSignOut}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <FilterBar viewsOnly={UNFILTERED.has(location.pathname)} />
      <main id="main">
        <Suspense fallback={<Skeleton kind="chart" />}>
          <Routes>
            <Route path="/" element={<OverviewPage />} />
            <Route path="/incentives" element={<IncentivesPage />} />
            <Route path="/reasons" element={<ReasonsPage />} />
            <Route path="/channels" element={<ChannelsPage />} />
            <Route path="/outcomes" element={<OutcomesPage />} />
            <Route path="/policy" element={<PolicyPage />} />
            <Route path="/data" element={<DataPage />} />
            <Route path="*" element={<OverviewPage />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}

export function App() {
  return (
    <AuthGate>
      {(me, signOut) => (
        <SessionProvider me={me}>
          <DrillProvider>
            <Shell name={me.name} role={me.role} onSignOut={signOut} />
          </DrillProvider>
        </SessionProvider>
      )}
    </AuthGate>
  );
}
