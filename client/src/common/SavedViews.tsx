import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { gql, GqlError } from './graphql';
import { useI18n } from './i18n';
import { ActionForm } from './Field';
import { useSession } from './session';
import { errorText } from './States';
import { clearGqlCache, useGql } from './useGql';
import { pageOf, viewPayload, viewSearch } from './views';
import type * as G from './generated/graphql';

const LIST = /* GraphQL */ `query SavedViews { savedViews { id name page filter params owner createdAt } }`;
const SAVE = /* GraphQL */ `mutation SaveView($name: String!, $page: String!, $filter: String!, $params: String) { saveView(name: $name, page: $page, filter: $filter, params: $params) { id } }`;
const DELETE = /* GraphQL */ `mutation DeleteSavedView($id: Int!) { deleteSavedView(id: $id) }`;

export function SavedViews() {
  const { t } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const page = pageOf(location.pathname);
  const { canWrite } = useSession();
  const list = useGql<G.SavedViewsQuery>(LIST, undefined);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [msg, setMsg] = useState<string | null>(null);

  const mine = (list.data?.savedViews ?? []).filter((v) => v.page === page);
  const refresh = () => {
    clearGqlCache();
    list.reload();
  };
  const save = async () => {
    if (!name.trim()) return;
    try {
      await gql(SAVE, { name: name.trim(), page, ...viewPayload(location.search) });
      setMsg(t('views.saved', { name: name.trim() }));
      setName('');
      refresh();
    } catch (e) {
      setMsg(e instanceof GqlError ? errorText(t, e) : String(e));
    }
  };
  const remove = async (id: number) => {
    try {
      await gql(DELETE, { id });
      refresh();
    } catch (e) {
      setMsg(e instanceof GqlError ? errorText(t, e) : String(e));
    }
  };

  return (
    <div className="saved-views">
      <button type="button" className="btn" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="saved-views">
        ★ {t('views.title')}
        {mine.length ? ` (${mine.length})` : ''}
      </button>
      {open && (
        <div className="popover popover-right">
          {list.error ? (
            <p className="error-text">{t('views.unavailable', { msg: errorText(t, list.error) })}</p>
          ) : mine.length === 0 ? (
            <p className="muted">{t('views.none')}</p>
          ) : (
            <ul className="view-list">
              {mine.map((v) => (
                <li key={v.id}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setOpen(false);
                      void navigate(`${v.page}${viewSearch(v)}`);
                    }}
                  >
                    {v.name}
                  </button>
                  {v.owner && <span className="muted small"> {t('views.by', { owner: v.owner })}</span>}
                  {canWrite && (
                    <button type="button" className="link danger" onClick={() => void remove(v.id)} aria-label={`${t('views.delete')} ${v.name}`}>
                      ✕
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {!canWrite ? (
            <p className="muted small">{t('views.readOnly')}</p>
          ) : (
            <ActionForm className="inline-form" onSubmit={save}>
              <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('views.name')} aria-label={t('views.name')} maxLength={100} />
              <button type="submit" className="btn primary" disabled={!name.trim() || !!list.error}>
                {t('views.save')}
              </button>
            </ActionForm>
          )}
          {msg && (
            <p className="small" role="status">
              {msg}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
