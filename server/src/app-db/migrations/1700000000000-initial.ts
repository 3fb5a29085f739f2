import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createdAt, id, integer, nullable, references, table, text, varchar } from './columns';

/** Dialect-neutral (Table API), so the same migration runs on SQLite and PostgreSQL. */
export class Initial1700000000000 implements MigrationInterface {
  name = 'Initial1700000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(table('users', [id(), varchar('name', 200, { isUnique: true }), varchar('role', 20), createdAt()]));
    await q.createTable(
      table('api_tokens', [
        id(),
        varchar('label', 200),
        varchar('tokenHash', 64, { isUnique: true }),
        integer('userId', nullable),
        createdAt(),
        varchar('revokedAt', 40, nullable),
      ]),
    );
    await q.createForeignKey('api_tokens', references('userId', 'users', 'CASCADE'));
    await q.createTable(
      table('annotations', [id(), varchar('date', 10), varchar('metric', 64, nullable), varchar('note', 2000), varchar('author', 200), createdAt()]),
    );
    await q.createTable(table('saved_views', [id(), varchar('name', 200), varchar('page', 40), text('filter'), varchar('owner', 200), createdAt()]));
    await q.createTable(
      table('policy_changes', [
        varchar('changeId', 100, { isPrimary: true }),
        varchar('effectiveAt', 40),
        varchar('title', 300),
        varchar('description', 4000, nullable),
        varchar('scopeChannel', 100, nullable),
        varchar('scopeProductLine', 100, nullable),
        createdAt(),
      ]),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['policy_changes', 'saved_views', 'annotations', 'api_tokens', 'users']) await q.dropTable(t);
  }
}
