import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Dialect-neutral (Table API), so the same migration runs on SQLite and PostgreSQL. */
export class Initial1700000000000 implements MigrationInterface {
  name = 'Initial1700000000000';

  async up(q: QueryRunner): Promise<void> {
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    const created = { name: 'createdAt', type: 'timestamp', default: 'CURRENT_TIMESTAMP' };
    await q.createTable(
      new Table({
        name: 'users',
        columns: [id, { name: 'name', type: 'varchar', length: '200', isUnique: true }, { name: 'role', type: 'varchar', length: '20' }, created],
      }),
    );
    await q.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          id,
          { name: 'label', type: 'varchar', length: '200' },
          { name: 'tokenHash', type: 'varchar', length: '64', isUnique: true },
          { name: 'userId', type: 'integer', isNullable: true },
          created,
          { name: 'revokedAt', type: 'varchar', length: '40', isNullable: true },
        ],
      }),
    );
    await q.createForeignKey(
      'api_tokens',
      new TableForeignKey({ columnNames: ['userId'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
    );
    await q.createTable(
      new Table({
        name: 'annotations',
        columns: [
          id,
          { name: 'date', type: 'varchar', length: '10' },
          { name: 'metric', type: 'varchar', length: '64', isNullable: true },
          { name: 'note', type: 'varchar', length: '2000' },
          { name: 'author', type: 'varchar', length: '200' },
          created,
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'saved_views',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'page', type: 'varchar', length: '40' },
          { name: 'filter', type: 'text' },
          { name: 'owner', type: 'varchar', length: '200' },
          created,
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'policy_changes',
        columns: [
          { name: 'changeId', type: 'varchar', length: '100', isPrimary: true },
          { name: 'effectiveAt', type: 'varchar', length: '40' },
          { name: 'title', type: 'varchar', length: '300' },
          { name: 'description', type: 'varchar', length: '4000', isNullable: true },
          { name: 'scopeChannel', type: 'varchar', length: '100', isNullable: true },
          { name: 'scopeProductLine', type: 'varchar', length: '100', isNullable: true },
          created,
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['policy_changes', 'saved_views', 'annotations', 'api_tokens', 'users']) await q.dropTable(t);
  }
}
