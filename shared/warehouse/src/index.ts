/**
 * The warehouse model, shared by the writer (etl/) and the reader (server/): the data contract's
 * tables, refund_facts, the rollups and their measures, the named SQL fragments, the SQL tag and
 * the dialect points. Pure: no I/O and no driver (the DuckDB driver is @refunds/engine-duckdb).
 */
export * from './sql';
export * from './dialect';
export * from './tables';
export * from './facts';
export * from './fragments';
export * from './rollups';
export * from './schema';
export * from './catalog-check';
export * from './engine';
