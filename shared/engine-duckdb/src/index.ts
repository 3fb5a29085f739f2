/**
 * The DuckDB engine: opens a warehouse file and runs the model's SQL on it. Both the loader (etl/)
 * and the server's readers use it; it knows nothing of loading.
 */
export * from './duckdb';
