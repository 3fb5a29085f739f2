/**
 * An enum-like object whose every value is its own key ({ DAY: 'DAY', ... }), declared from one list.
 * It reads like a string enum (`GrainEnum.DAY`, registerEnumType, Object.values) while its type is the
 * plain union of the list, so the catalog's string unions and these values need no casts.
 */
export function keyedEnum<const K extends string>(keys: readonly K[]): { readonly [P in K]: P } {
  return Object.freeze(Object.fromEntries(keys.map((k) => [k, k]))) as { readonly [P in K]: P };
}

/** The union of a keyedEnum's values, to declare a type of the same name beside it. */
export type EnumValue<E> = E[keyof E];
