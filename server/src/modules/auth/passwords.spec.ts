import { checkPasswordPolicy, DUMMY_HASH, hashPassword, verifyPassword } from './passwords';

describe('passwords', () => {
  test('a hash verifies its password only, and two hashes of one password differ (salt)', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery staplE', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  test('unknown or tampered hash formats never match', async () => {
    expect(await verifyPassword('x', DUMMY_HASH)).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$30$8$1$AAAA$AAAA')).toBe(false); // cost out of range
    expect(await verifyPassword('x', '$2b$10$abcdefghijklmnopqrstuv')).toBe(false);
  });

  test('policy: at least 12 characters, not a common password, also with digits or symbols added', () => {
    expect(() => checkPasswordPolicy('short')).toThrow(/at least 12/);
    for (const p of ['password1234', 'qwerty123456', 'iloveyou2024!', 'Dragon!!!!!!!', 'zzzzzzzzzzzz'])
      expect(() => checkPasswordPolicy(p)).toThrow(/too common/);
    for (const p of ['violet-kettle-harbour', 'Refunds need 4 reviews']) expect(() => checkPasswordPolicy(p)).not.toThrow();
  });
});
