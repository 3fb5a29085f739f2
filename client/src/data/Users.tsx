import { useState } from 'react';
import { DataTable, type Column } from '../common/DataTable';
import { gql, GqlError } from '../common/graphql';
import { useI18n } from '../common/i18n';
import type { MessageKey } from '../common/messages';
import { Panel } from '../common/Panel';
import { errorText, Loadable } from '../common/States';
import { useGql } from '../common/useGql';
import type * as G from '../common/generated/graphql';
import { ActionForm, InputField, SelectField } from '../common/Field';

type UserRow = G.UsersQuery['users'][number];

const ROLES = ['admin', 'executive', 'product', 'analyst'] as const;
const USERS = /* GraphQL */ `query Users { users { id name email role disabled sso hasPassword } }`;
const CREATE = /* GraphQL */ `mutation CreateUser($email: String!, $name: String!, $role: String!, $password: String!) { createUser(email: $email, name: $name, role: $role, password: $password) { id } }`;
const UPDATE = /* GraphQL */ `mutation UpdateUser($id: Int!, $role: String, $disabled: Boolean) { updateUser(id: $id, role: $role, disabled: $disabled) { id } }`;
const RESET = /* GraphQL */ `mutation ResetPassword($id: Int!, $password: String!) { resetPassword(id: $id, password: $password) }`;

/** A password an admin sets for an account (the server wants at least 12 characters). */
function NewPasswordField(props: { label: string; name: string; value: string; onValue: (value: string) => void }) {
  return <InputField {...props} type="password" autoComplete="new-password" required minLength={12} />;
}

/** Accounts for admins: create local users, change roles, disable, set a new password. */
export function UsersPanel() {
  const { t } = useI18n();
  const q = useGql<G.UsersQuery>(USERS, undefined);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [form, setForm] = useState({ email: '', name: '', role: 'analyst', password: '' });
  const [reset, setReset] = useState({ id: '', password: '' });
  const roleName = (r: string) => ((ROLES as readonly string[]).includes(r) ? t(`role.${r}` as MessageKey) : r);

  const run = async (query: string, variables: Record<string, unknown>, done: string) => {
    setMsg(null);
    try {
      await gql(query, variables);
      setMsg({ ok: true, text: done });
      q.reload();
      return true;
    } catch (e) {
      setMsg({ ok: false, text: errorText(t, e instanceof GqlError ? e : new GqlError('UNKNOWN', String(e))) });
      return false;
    }
  };

  const cols: Column<UserRow>[] = [
    { key: 'name', header: t('users.name'), value: (r) => r.name },
    { key: 'email', header: t('users.email'), value: (r) => r.email ?? '' },
    {
      key: 'role',
      header: t('users.role'),
      value: (r) => r.role,
      render: (r) => (
        <select
          aria-label={`${t('users.role')} ${r.name}`}
          value={r.role}
          onChange={(e) => void run(UPDATE, { id: r.id, role: e.target.value }, t('users.saved'))}
        >
          {ROLES.map((x) => (
            <option key={x} value={x}>
              {roleName(x)}
            </option>
          ))}
        </select>
      ),
    },
    { key: 'kind', header: t('users.signIn'), value: (r) => (r.sso ? t('users.sso') : r.hasPassword ? t('users.password') : t('users.tokenOnly')) },
    {
      key: 'disabled',
      header: t('users.status'),
      value: (r) => (r.disabled ? 1 : 0),
      render: (r) => (
        <button
          type="button"
          className="btn subtle"
          data-testid={`toggle-user-${r.id}`}
          onClick={() => void run(UPDATE, { id: r.id, disabled: !r.disabled }, t('users.saved'))}
        >
          {r.disabled ? t('users.enable') : t('users.disable')}
        </button>
      ),
      text: (r) => (r.disabled ? t('users.disabled') : t('users.active')),
    },
  ];

  return (
    <Panel title={t('users.title')}>
      <Loadable state={q} what={t('users.title')} isEmpty={() => false} empty="">
        {(d) => (
          <div data-testid="users">
            <DataTable title={t('users.title')} rows={d.users} columns={cols} rowKey={(r) => String(r.id)} compact />
            <h3 className="small">{t('users.create')}</h3>
            <ActionForm
              className="annotation-form"
              onSubmit={() => run(CREATE, form, t('users.created')).then((ok) => ok && setForm({ email: '', name: '', role: 'analyst', password: '' }))}
            >
              <InputField label={t('users.email')} name="new-user-email" type="email" required value={form.email} onValue={(email) => setForm({ ...form, email })} />
              <InputField label={t('users.name')} name="new-user-name" required value={form.name} onValue={(name) => setForm({ ...form, name })} />
              <SelectField
                label={t('users.role')}
                name="new-user-role"
                value={form.role}
                onValue={(role) => setForm({ ...form, role })}
                options={ROLES}
                optionLabel={roleName}
              />
              <NewPasswordField label={t('users.initialPassword')} name="new-user-password" value={form.password} onValue={(password) => setForm({ ...form, password })} />
              <button type="submit" className="btn primary" data-testid="create-user">
                {t('users.createButton')}
              </button>
            </ActionForm>
            <h3 className="small">{t('users.reset')}</h3>
            <ActionForm
              className="annotation-form"
              onSubmit={() => run(RESET, { id: Number(reset.id), password: reset.password }, t('users.resetDone')).then((ok) => ok && setReset({ id: '', password: '' }))}
            >
              <SelectField label={t('users.name')} name="reset-user" required value={reset.id} onValue={(id) => setReset({ ...reset, id })}>
                <option value="">—</option>
                {d.users.map((u) => (
                  <option key={u.id} value={String(u.id)}>
                    {u.name}
                  </option>
                ))}
              </SelectField>
              <NewPasswordField label={t('users.newPassword')} name="reset-password" value={reset.password} onValue={(password) => setReset({ ...reset, password })} />
              <button type="submit" className="btn" data-testid="reset-password">
                {t('users.resetButton')}
              </button>
            </ActionForm>
            {msg && (
              <p className={msg.ok ? 'small' : 'error-text small'} role="status" data-testid="users-message">
                {msg.text}
              </p>
            )}
          </div>
        )}
      </Loadable>
    </Panel>
  );
}
