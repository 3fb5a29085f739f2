import { DEFAULT_DIALECT, type Dialect } from '@refunds/warehouse';

/**
 * The SQL dialect of the warehouse engine the server reads (DuckDB today). Repositories and the
 * semantic layer write engine-specific SQL only through it; a ClickHouse engine switches it here.
 */
export const dialect: Dialect = DEFAULT_DIALECT;
