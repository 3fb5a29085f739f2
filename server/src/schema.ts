import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory, RESOLVER_NAME_METADATA } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { AppModule } from './app.module';

/**
 * `server/schema.gql` is written by `npm run schema` (this file), not by the server on boot: a
 * booting server must not rewrite a checked-in file, and the schema test compares the file with
 * what this code prints, so a stale file fails `npm test` instead of being silently refreshed.
 */
export const SCHEMA_FILE = join(__dirname, '..', 'schema.gql');

/** The header Nest writes above an auto-generated schema (kept so the file reads as before). */
const HEADER = `# ------------------------------------------------------
# THIS FILE WAS AUTOMATICALLY GENERATED (DO NOT MODIFY)
# ------------------------------------------------------

`;

type ModuleRef = Type<unknown> | DynamicModule | Promise<DynamicModule> | { forwardRef: () => Type<unknown> };

/** Every resolver class the app's modules provide: the same set the running server builds from. */
function resolversOf(root: Type<unknown>): Array<Type<unknown>> {
  const seen = new Set<unknown>();
  const resolvers = new Set<Type<unknown>>();
  const visit = (mod: ModuleRef): void => {
    if (mod instanceof Promise) return;
    const target = 'forwardRef' in mod ? mod.forwardRef() : mod;
    const cls = 'module' in target ? target.module : target;
    if (seen.has(target)) return;
    seen.add(target);
    const providers = [...((Reflect.getMetadata('providers', cls) as unknown[] | undefined) ?? []), ...('module' in target ? (target.providers ?? []) : [])];
    for (const p of providers) {
      const c = typeof p === 'function' ? p : (p as { useClass?: unknown }).useClass;
      if (typeof c === 'function' && Reflect.hasMetadata(RESOLVER_NAME_METADATA, c)) resolvers.add(c as Type<unknown>);
    }
    const imports = [
      ...((Reflect.getMetadata('imports', cls) as ModuleRef[] | undefined) ?? []),
      ...('module' in target ? ((target.imports ?? []) as ModuleRef[]) : []),
    ];
    for (const m of imports) visit(m);
  };
  visit(root);
  return [...resolvers].sort((a, b) => a.name.localeCompare(b.name));
}

/** The schema SDL exactly as the server serves it (sorted, with Nest's header). */
export async function printAppSchema(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    const schema = await app.get(GraphQLSchemaFactory).create(resolversOf(AppModule));
    return HEADER + printSchema(lexicographicSortSchema(schema));
  } finally {
    await app.close();
  }
}

/** `node server/dist/schema.js` writes schema.gql; with `--check` it only says whether the file is current. */
async function main(): Promise<void> {
  const sdl = await printAppSchema();
  if (process.argv.includes('--check')) {
    const current = readFileSync(SCHEMA_FILE, 'utf8');
    if (current !== sdl) {
      process.stderr.write(`${SCHEMA_FILE} is not what the code produces; run \`npm run codegen\`\n`);
      process.exit(1);
    }
    process.stdout.write('schema.gql is current\n');
    return;
  }
  writeFileSync(SCHEMA_FILE, sdl);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}

if (require.main === module) void main();
