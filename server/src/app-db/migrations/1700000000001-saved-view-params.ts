import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Saved views keep the page's own parameters (chosen KPI, policy change, what-if weights) too. */
export class SavedViewParams1700000000001 implements MigrationInterface {
  name = 'SavedViewParams1700000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('saved_views', new TableColumn({ name: 'params', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('saved_views', 'params');
  }
}
