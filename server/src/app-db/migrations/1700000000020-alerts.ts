import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { float, id, integer, nullable, references, table, text, varchar } from './columns';

/** Alert rules, the findings each has seen, the delivery log, and the evaluator's data-version bookkeeping. */
export class Alerts1700000000020 implements MigrationInterface {
  name = 'Alerts1700000000020';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      table('alert_rules', [
        id(),
        varchar('name', 200),
        varchar('kind', 40),
        varchar('format', 20),
        varchar('target', 2000),
        float('threshold', nullable),
        text('filter'),
        varchar('schedule', 200, nullable),
        varchar('language', 10),
        varchar('secret', 200, nullable),
        varchar('owner', 320),
        integer('ownerUserId', nullable),
        integer('ownerTokenId', nullable),
        varchar('createdAt', 30),
      ]),
    );
    await q.createTable(table('alert_findings', [id(), integer('ruleId'), varchar('findingKey', 300), varchar('at', 30)]));
    await q.createIndex('alert_findings', new TableIndex({ columnNames: ['ruleId', 'findingKey'], isUnique: true }));
    await q.createForeignKey('alert_findings', references('ruleId', 'alert_rules', 'CASCADE'));
    await q.createTable(
      table('alert_deliveries', [
        id(),
        integer('ruleId', nullable),
        varchar('ruleName', 200),
        varchar('findingKey', 300),
        varchar('status', 20),
        integer('attempts'),
        varchar('at', 30),
        varchar('nextAt', 30, nullable),
        varchar('summary', 2000),
        text('finding'),
        varchar('lastError', 1000, nullable),
      ]),
    );
    await q.createIndex('alert_deliveries', new TableIndex({ columnNames: ['ruleId'] }));
    await q.createIndex('alert_deliveries', new TableIndex({ columnNames: ['status'] }));
    await q.createForeignKey('alert_deliveries', references('ruleId', 'alert_rules', 'SET NULL'));
    await q.createTable(table('alert_state', [varchar('key', 60, { isPrimary: true }), varchar('value', 200)]));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('alert_state');
    await q.dropTable('alert_deliveries');
    await q.dropTable('alert_findings');
    await q.dropTable('alert_rules');
  }
}
