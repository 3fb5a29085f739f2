import { AlertFormat } from './alert-kinds';
import { assertPublicHost, isPrivateAddress, parseTarget } from './targets';
import { chatToolError, dashboardLink } from './messages';

describe('alert targets', () => {
  it('takes http(s) and mailto only, and matches mailto with EMAIL', () => {
    expect(parseTarget('https://hooks.example.com/x?y=1', AlertFormat.SLACK)).toMatchObject({ kind: 'http' });
    expect(parseTarget('mailto:a.b@example.com', AlertFormat.EMAIL)).toEqual({ kind: 'mailto', address: 'a.b@example.com' });
    for (const t of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://x', 'javascript:alert(1)', 'not a url'])
      expect(() => parseTarget(t, AlertFormat.JSON)).toThrow(/^target: /);
    expect(() => parseTarget('mailto:a@example.com', AlertFormat.JSON)).toThrow(/needs format EMAIL/);
    expect(() => parseTarget('https://example.com/', AlertFormat.EMAIL)).toThrow(/needs a mailto/);
    expect(() => parseTarget('mailto:a@example.com?cc=b@example.com', AlertFormat.EMAIL)).toThrow(/one e-mail address/);
    expect(() => parseTarget('https://u:p@example.com/', AlertFormat.JSON)).toThrow(/user name or password/);
  });

  it('refuses loopback, private and link-local addresses unless allowed', async () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    for (const a of ['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111']) expect([a, isPrivateAddress(a)]).toEqual([a, false]);
    await expect(assertPublicHost(new URL('http://127.0.0.1:8080/x'), false)).rejects.toThrow(/loopback or private/);
    await expect(assertPublicHost(new URL('http://[::1]/x'), false)).rejects.toThrow(/loopback or private/);
    await expect(assertPublicHost(new URL('http://localhost/x'), false)).rejects.toThrow(/loopback or private/);
    await expect(assertPublicHost(new URL('http://127.0.0.1/x'), true)).resolves.toBeUndefined();
    await expect(assertPublicHost(new URL('http://93.184.216.34/x'), false)).resolves.toBeUndefined();
  });
});

describe('alert messages', () => {
  it('links to the page with the filter in the client query-string names', () => {
    expect(dashboardLink('https://r.example.com/', '/reasons', { from: '2025-01-01', productLines: ['home & garden', 'a'], channels: ['web'] })).toBe(
      'https://r.example.com/reasons?from=2025-01-01&channel=web&productLine=a&productLine=home+%26+garden',
    );
    expect(dashboardLink('https://r.example.com', '/', {})).toBe('https://r.example.com/');
  });

  it("reads a chat tool's error code from a 200 answer", () => {
    expect(chatToolError(AlertFormat.FEISHU, '{"code":0,"msg":"success"}')).toBeNull();
    expect(chatToolError(AlertFormat.FEISHU, '{"code":19021,"msg":"sign match fail"}')).toBe('19021 sign match fail');
    expect(chatToolError(AlertFormat.DINGTALK, '{"errcode":310000,"errmsg":"sign not match"}')).toBe('310000 sign not match');
    expect(chatToolError(AlertFormat.WECOM, '{"errcode":0,"errmsg":"ok"}')).toBeNull();
    expect(chatToolError(AlertFormat.SLACK, 'ok')).toBeNull();
    expect(chatToolError(AlertFormat.SLACK, 'invalid_payload')).toBe('invalid_payload');
    expect(chatToolError(AlertFormat.JSON, '{"errcode":1}')).toBeNull();
  });
});
