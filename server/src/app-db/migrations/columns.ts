import { Table, TableColumn, TableForeignKey, type TableColumnOptions } from 'typeorm';

/**
 * Column and key builders for the migrations. They only spell the Table API options the migrations
 * wrote out before, so the schema each migration creates (SQLite and PostgreSQL) is unchanged; a
 * new migration may use them, but an old one must keep producing what it produced.
 */
type Flags = Pick<TableColumnOptions, 'isNullable' | 'isUnique' | 'isPrimary'>;

export const nullable: Flags = { isNullable: true };

/** The auto-increment integer primary key `id`. */
export const id = (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' });

/** `createdAt` set by the database on insert. */
export const createdAt = (): TableColumnOptions => ({ name: 'createdAt', type: 'timestamp', default: 'CURRENT_TIMESTAMP' });

export const varchar = (name: string, length: number, flags: Flags = {}): TableColumnOptions => ({ name, type: 'varchar', length: String(length), ...flags });
export const integer = (name: string, flags: Flags = {}): TableColumnOptions => ({ name, type: 'integer', ...flags });
export const float = (name: string, flags: Flags = {}): TableColumnOptions => ({ name, type: 'float', ...flags });
export const text = (name: string, flags: Flags = {}): TableColumnOptions => ({ name, type: 'text', ...flags });
export const boolean = (name: string, byDefault: boolean): TableColumnOptions => ({ name, type: 'boolean', default: byDefault });

export const table = (name: string, columns: TableColumnOptions[]): Table => new Table({ name, columns });
export const column = (options: TableColumnOptions): TableColumn => new TableColumn(options);

/** A foreign key from `column` to `referencedTable`.id. */
export const references = (column: string, referencedTable: string, onDelete: 'CASCADE' | 'SET NULL'): TableForeignKey =>
  new TableForeignKey({ columnNames: [column], referencedTableName: referencedTable, referencedColumnNames: ['id'], onDelete });
