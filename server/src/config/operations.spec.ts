import { join } from 'node:path';
import { loadConfig } from './config';

describe('configuration for sign-in and operations', () => {
  const base = { REFUNDS_DB: '/srv/data/w.duckdb' };

  test('defaults: import and backup folders beside the database, no proxy trusted, 2 h idle, metrics private, no SSO', () => {
    const c = loadConfig(base);
    expect(c.importDir).toBe(join('/srv/data', 'imports'));
    expect(c.backupDir).toBe(join('/srv/data', 'backups'));
    expect([c.trustProxy, c.sessionIdleMinutes, c.metricsPublic, c.oidc]).toEqual([false, 120, false, null]);
    expect(c.signInFailures).toEqual({ perAccount: 5, perAddress: 20 });
  });

  test('single sign-on: group=role pairs, scopes always with openid, every problem reported together', () => {
    const c = loadConfig({
      ...base,
      REFUNDS_OIDC_ISSUER: 'https://login.example.com/realms/acme',
      REFUNDS_OIDC_CLIENT_ID: 'refunds',
      REFUNDS_OIDC_GROUP_ROLES: 'bi-admins=admin, finance = executive',
      REFUNDS_OIDC_SCOPES: 'email groups',
      REFUNDS_PUBLIC_URL: 'https://refunds.example.com/',
    });
    expect(c.oidc).toEqual({
      issuer: 'https://login.example.com/realms/acme',
      clientId: 'refunds',
      clientSecret: null,
      roleClaim: 'groups',
      groupRoles: { 'bi-admins': 'admin', finance: 'executive' },
      publicUrl: 'https://refunds.example.com',
      scopes: 'openid email groups',
    });
    expect(() => loadConfig({ ...base, REFUNDS_OIDC_ISSUER: 'not a url', REFUNDS_OIDC_GROUP_ROLES: 'x=boss', REFUNDS_SESSION_IDLE_MINUTES: '0' })).toThrow(
      /REFUNDS_SESSION_IDLE_MINUTES[\s\S]*REFUNDS_OIDC_CLIENT_ID[\s\S]*REFUNDS_OIDC_ISSUER must be a URL[\s\S]*"x=boss"/,
    );
  });
});
