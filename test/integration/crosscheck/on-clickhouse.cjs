// The crosscheck-clickhouse Jest project: the cross-check files serve the API from ClickHouse (support.ts).
process.env.CROSSCHECK_WAREHOUSE = 'clickhouse';
