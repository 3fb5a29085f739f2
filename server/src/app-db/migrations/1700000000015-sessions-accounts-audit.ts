import { Table, TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Local accounts (e-mail, password hash, disabled), single-sign-on subjects, server-side sessions and the audit log. */
export class SessionsAccountsAudit1700000000015 implements MigrationInterface {
  name = 'SessionsAccountsAudit1700000000015';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('users', [
      new TableColumn({ name: 'email', type: 'varchar', length: '320', isNullable: true, isUnique: true }),
      new TableColumn({ name: 'passwordHash', type: 'varchar', length: '300', isNullable: true }),
      new TableColumn({ name: 'oidcSubject', type: 'varchar', length: '600', isNullable: true, isUnique: true }),
      new TableColumn({ name: 'disabled', type: 'boolean', default: false }),
    ]);
    await q.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'idHash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'userId', type: 'integer', isNullable: true },
          { name: 'tokenId', type: 'integer', isNullable: true },
          { name: 'adminFingerprint', type: 'varchar', length: '64', isNullable: true },
          { name: 'createdAt', type: 'varchar', length: '30' },
          { name: 'lastSeenAt', type: 'varchar', length: '30' },
          { name: 'address', type: 'varchar', length: '64' },
        ],
      }),
    );
    await q.createIndex('sessions', new TableIndex({ columnNames: ['lastSeenAt'] }));
    await q.createForeignKey(
      'sessions',
      new TableForeignKey({ columnNames: ['userId'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
    );
    await q.createForeignKey(
      'sessions',
      new TableForeignKey({ columnNames: ['tokenId'], referencedTableName: 'api_tokens', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
    );
    await q.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'at', type: 'varchar', length: '30' },
          { name: 'actor', type: 'varchar', length: '320' },
          { name: 'action', type: 'varchar', length: '60' },
          { name: 'detail', type: 'varchar', length: '2000' },
          { name: 'address', type: 'varchar', length: '64' },
        ],
      }),
    );
    await q.createIndex('audit_log', new TableIndex({ columnNames: ['at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_log');
    await q.dropTable('sessions');
    for (const c of ['disabled', 'oidcSubject', 'passwordHash', 'email']) await q.dropColumn('users', c);
  }
}
