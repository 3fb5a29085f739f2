import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Alert rules, the findings each has seen, the delivery log, and the evaluator's data-version bookkeeping. */
export class Alerts1700000000020 implements MigrationInterface {
  name = 'Alerts1700000000020';

  async up(q: QueryRunner): Promise<void> {
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    await q.createTable(
      new Table({
        name: 'alert_rules',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'kind', type: 'varchar', length: '40' },
          { name: 'format', type: 'varchar', length: '20' },
          { name: 'target', type: 'varchar', length: '2000' },
          { name: 'threshold', type: 'float', isNullable: true },
          { name: 'filter', type: 'text' },
          { name: 'schedule', type: 'varchar', length: '200', isNullable: true },
          { name: 'language', type: 'varchar', length: '10' },
          { name: 'secret', type: 'varchar', length: '200', isNullable: true },
          { name: 'owner', type: 'varchar', length: '320' },
          { name: 'ownerUserId', type: 'integer', isNullable: true },
          { name: 'ownerTokenId', type: 'integer', isNullable: true },
          { name: 'createdAt', type: 'varchar', length: '30' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alert_findings',
        columns: [
          id,
          { name: 'ruleId', type: 'integer' },
          { name: 'findingKey', type: 'varchar', length: '300' },
          { name: 'at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await q.createIndex('alert_findings', new TableIndex({ columnNames: ['ruleId', 'findingKey'], isUnique: true }));
    await q.createForeignKey(
      'alert_findings',
      new TableForeignKey({ columnNames: ['ruleId'], referencedTableName: 'alert_rules', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
    );
    await q.createTable(
      new Table({
        name: 'alert_deliveries',
        columns: [
          id,
          { name: 'ruleId', type: 'integer', isNullable: true },
          { name: 'ruleName', type: 'varchar', length: '200' },
          { name: 'findingKey', type: 'varchar', length: '300' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'attempts', type: 'integer' },
          { name: 'at', type: 'varchar', length: '30' },
          { name: 'nextAt', type: 'varchar', length: '30', isNullable: true },
          { name: 'summary', type: 'varchar', length: '2000' },
          { name: 'finding', type: 'text' },
          { name: 'lastError', type: 'varchar', length: '1000', isNullable: true },
        ],
      }),
    );
    await q.createIndex('alert_deliveries', new TableIndex({ columnNames: ['ruleId'] }));
    await q.createIndex('alert_deliveries', new TableIndex({ columnNames: ['status'] }));
    await q.createForeignKey(
      'alert_deliveries',
      new TableForeignKey({ columnNames: ['ruleId'], referencedTableName: 'alert_rules', referencedColumnNames: ['id'], onDelete: 'SET NULL' }),
    );
    await q.createTable(
      new Table({
        name: 'alert_state',
        columns: [
          { name: 'key', type: 'varchar', length: '60', isPrimary: true },
          { name: 'value', type: 'varchar', length: '200' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('alert_state');
    await q.dropTable('alert_deliveries');
    await q.dropTable('alert_findings');
    await q.dropTable('alert_rules');
  }
}
