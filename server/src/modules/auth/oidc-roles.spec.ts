import { groupsOf, roleForGroups } from './oidc-roles';

describe('single sign-on groups to roles', () => {
  const mapping = { 'bi-admins': 'admin', finance: 'executive', product: 'product', bi: 'analyst' } as const;

  test('the strongest mapped role wins, whatever the order of the groups', () => {
    expect(roleForGroups(['bi', 'finance'], mapping)).toBe('executive');
    expect(roleForGroups(['finance', 'bi-admins', 'bi'], mapping)).toBe('admin');
    expect(roleForGroups(['product', 'bi'], mapping)).toBe('product');
  });

  test('no mapped group: no role (no access)', () => {
    expect(roleForGroups([], mapping)).toBeNull();
    expect(roleForGroups(['marketing', 'Finance'], mapping)).toBeNull(); // names are exact
    expect(roleForGroups(['constructor', '__proto__', 'toString'], mapping)).toBeNull();
  });

  test('the claim may be a list or a space/comma separated string; anything else is no groups', () => {
    expect(groupsOf(['a', 'b', 3])).toEqual(['a', 'b']);
    expect(groupsOf('a b,c')).toEqual(['a', 'b', 'c']);
    expect(groupsOf(undefined)).toEqual([]);
    expect(groupsOf({ a: 1 })).toEqual([]);
  });
});
