import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { boolean, column, id, integer, nullable, references, table, varchar } from './columns';

/** Local accounts (e-mail, password hash, disabled), single-sign-on subjects, server-side sessions and the audit log. */
export class SessionsAccountsAudit1700000000015 implements MigrationInterface {
  name = 'SessionsAccountsAudit1700000000015';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('users', [
      column(varchar('email', 320, { isNullable: true, isUnique: true })),
      column(varchar('passwordHash', 300, nullable)),
      column(varchar('oidcSubject', 600, { isNullable: true, isUnique: true })),
      column(boolean('disabled', false)),
    ]);
    await q.createTable(
      table('sessions', [
        varchar('idHash', 64, { isPrimary: true }),
        varchar('kind', 20),
        integer('userId', nullable),
        integer('tokenId', nullable),
        varchar('adminFingerprint', 64, nullable),
        varchar('createdAt', 30),
        varchar('lastSeenAt', 30),
        varchar('address', 64),
      ]),
    );
    await q.createIndex('sessions', new TableIndex({ columnNames: ['lastSeenAt'] }));
    await q.createForeignKey('sessions', references('userId', 'users', 'CASCADE'));
    await q.createForeignKey('sessions', references('tokenId', 'api_tokens', 'CASCADE'));
    await q.createTable(
      table('audit_log', [id(), varchar('at', 30), varchar('actor', 320), varchar('action', 60), varchar('detail', 2000), varchar('address', 64)]),
    );
    await q.createIndex('audit_log', new TableIndex({ columnNames: ['at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_log');
    await q.dropTable('sessions');
    for (const c of ['disabled', 'oidcSubject', 'passwordHash', 'email']) await q.dropColumn('users', c);
  }
}
