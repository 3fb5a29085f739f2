import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/**
 * server/schema.gql and the generated GraphQL types are checked in; this fails when either is not
 * what the code produces now (fix: `npm run codegen`). Reads the built server, as the other
 * integration tests do (`npm test` builds first).
 */
const ROOT = resolve(__dirname, '..', '..');

function run(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('GraphQL schema and generated types', () => {
  it('server/schema.gql is what the resolvers declare', () => {
    const r = run([join(ROOT, 'server', 'dist', 'schema.js'), '--check']);
    expect(r.output).toContain('schema.gql is current');
    expect(r.status).toBe(0);
  });

  it('the generated types are what graphql-codegen makes of schema.gql and the queries', () => {
    const r = run([join(ROOT, 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js'), '--check']);
    expect(r.output).not.toContain('stale files');
    expect(r.status).toBe(0);
  });
});
