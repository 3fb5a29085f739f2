/** A value a query may bind: scalars, or lists of strings/numbers (bound as the engine's lists or arrays). */
export type BindValue = string | number | boolean | null | bigint | readonly string[] | readonly number[];

/** Quotes an identifier. Identifiers must come from the catalog or table specs, never from a client. */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** SQL string literal, for the few places DuckDB accepts no parameter (file paths in table functions). */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A parameterised SQL fragment: text with `$n` placeholders plus the values they bind.
 * Fragments compose with `sql` tagged templates, so a value is never spliced into SQL text.
 */
export class Sql {
  constructor(
    readonly parts: readonly string[],
    readonly values: readonly BindValue[],
  ) {}

  /** Renders `$1..$n` placeholders, numbering from `offset + 1`. */
  render(offset = 0): { text: string; values: BindValue[] } {
    let text = this.parts[0] ?? '';
    for (let i = 0; i < this.values.length; i++) text += `$${offset + i + 1}` + this.parts[i + 1];
    return { text, values: [...this.values] };
  }
}

type Part = Sql | BindValue | Raw;

/** Trusted SQL text (identifiers from the catalog, keywords); never built from client input. */
export class Raw {
  constructor(readonly text: string) {}
}
export const raw = (text: string): Raw => new Raw(text);

export function sql(strings: TemplateStringsArray, ...args: Part[]): Sql {
  const parts: string[] = [strings[0]];
  const values: BindValue[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Sql) {
      parts[parts.length - 1] += a.parts[0];
      for (let j = 0; j < a.values.length; j++) {
        values.push(a.values[j]);
        parts.push(a.parts[j + 1]);
      }
      parts[parts.length - 1] += strings[i + 1];
    } else if (a instanceof Raw) {
      parts[parts.length - 1] += a.text + strings[i + 1];
    } else {
      values.push(a);
      parts.push(strings[i + 1]);
    }
  }
  return new Sql(parts, values);
}

/** Joins fragments with a separator (e.g. ' AND '). */
export function join(fragments: readonly Sql[], separator: string): Sql {
  if (fragments.length === 0) return sql``;
  let out = fragments[0];
  for (let i = 1; i < fragments.length; i++) out = sql`${out}${raw(separator)}${fragments[i]}`;
  return out;
}
