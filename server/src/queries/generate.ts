/**
 * `npm run sql:generate`: rewrites server/src/queries/<query>.sql from the code (see
 * contract-queries.ts), and fragments.sql (fragments.ts). With `--json` it writes nothing and
 * prints, per query and for fragments.sql, the file it would write and the statements (queries.spec.ts
 * runs it so, from the build: Nest's modules do not load under Jest).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONTRACT_QUERIES, contractStatements, FRAGMENTS_FILE, renderQueryFiles } from './contract-queries';

/** The checked-in files sit beside the sources, also when this runs from server/dist/queries. */
export const QUERIES_DIR = resolve(__dirname, '..', '..', 'src', 'queries');

export interface GeneratedQuery {
  name: string;
  file: string;
  statements: Array<{ text: string; values: unknown[] }>;
}

async function main(): Promise<void> {
  const statements = await contractStatements();
  const files = renderQueryFiles(statements);
  if (process.argv.includes('--json')) {
    const out: GeneratedQuery[] = CONTRACT_QUERIES.map((q) => {
      const list = statements.get(q.name) ?? [];
      return { name: q.name, file: files.get(q.name) ?? '', statements: list.map((s) => ({ text: s.text, values: s.values.map(jsonValue) })) };
    });
    out.push({ name: FRAGMENTS_FILE, file: files.get(FRAGMENTS_FILE) ?? '', statements: [] });
    process.stdout.write(JSON.stringify(out));
    return;
  }
  for (const [name, text] of files) {
    const file = join(QUERIES_DIR, `${name}.sql`);
    writeFileSync(file, text);
    process.stdout.write(`wrote ${file}\n`);
  }
}

const jsonValue = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
