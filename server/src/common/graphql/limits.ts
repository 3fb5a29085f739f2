import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

export const LIMITS = { depth: 8, aliases: 20, fields: 400, tokens: 5000 } as const;

const refuse = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** Refuses documents nested deeper than `max` selection sets (fragments followed). */
export function depthLimit(max: number): ValidationRule {
  return (ctx: ValidationContext): ASTVisitor => {
    const fragments = new Map(
      ctx
        .getDocument()
        .definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d.selectionSet]),
    );
    const depth = (set: SelectionSetNode, d: number, seen: Set<string>): number => {
      let deepest = d;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD && s.selectionSet) deepest = Math.max(deepest, depth(s.selectionSet, d + 1, seen));
        else if (s.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depth(s.selectionSet, d, seen));
        else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
          const f = fragments.get(s.name.value);
          if (f) deepest = Math.max(deepest, depth(f, d, new Set([...seen, s.name.value])));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const d = depth(node.selectionSet, 1, new Set());
        if (d > max) ctx.reportError(refuse(`query depth ${d} exceeds the limit of ${max}`));
      },
    };
  };
}

/** Refuses alias floods and oversized selections (a cheap cost limit: fields are queries here). */
export function breadthLimit(maxAliases: number, maxFields: number): ValidationRule {
  return (ctx: ValidationContext): ASTVisitor => {
    let aliases = 0;
    let fields = 0;
    return {
      Field(node) {
        fields++;
        if (node.alias) aliases++;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) ctx.reportError(refuse(`${aliases} aliases exceed the limit of ${maxAliases}`));
          if (fields > maxFields) ctx.reportError(refuse(`${fields} fields exceed the limit of ${maxFields}`));
        },
      },
    };
  };
}

/** Root fields are the expensive part (each one is an analytics query): at most this many per request. */
export function rootFieldLimit(max: number): ValidationRule {
  return (ctx: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const n = node.selectionSet.selections.length;
      if (n > max) ctx.reportError(refuse(`${n} top-level fields exceed the limit of ${max}`));
    },
  });
}
