import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { WarehouseService } from '../../database/warehouse';
import type { AlertDeliveryStatus } from '../alerts/alert-kinds';

const OPERATION = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Operation names are client-chosen: past this many distinct ones, the rest are counted as "other". */
const MAX_OPERATIONS = 200;

/** Prometheus metrics of this process (GET /metrics). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly gqlRequests = this.counter('refunds_graphql_requests_total', 'GraphQL requests by operation name', ['operation']);
  private readonly gqlLatency = this.histogram(
    'refunds_graphql_request_duration_seconds',
    'GraphQL request latency by operation name',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ['operation'],
  );
  private readonly gqlErrors = this.counter('refunds_graphql_errors_total', 'GraphQL errors by code', ['code']);
  private readonly loads = this.counter('refunds_loads_total', 'Loads by outcome', ['outcome']);
  private readonly loadRows = this.counter('refunds_load_rows_total', 'Rows read, loaded and rejected by loads', ['kind']);
  private readonly loadDuration = this.histogram('refunds_load_duration_seconds', 'Load duration', [0.1, 0.5, 1, 5, 15, 60, 300, 900]);
  private readonly warehouseQuery = this.histogram(
    'refunds_warehouse_query_duration_seconds',
    'Time of each analytics query in the warehouse (result-cache hits excluded)',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  private readonly cache = this.counter('refunds_result_cache_requests_total', 'Result-cache look-ups by result (hit or miss)', ['result']);
  private readonly alertAttempts = this.counter(
    'refunds_alert_delivery_attempts_total',
    'Alert delivery attempts by the status they left the delivery in (DELIVERED, RETRYING, FAILED)',
    ['status'],
  );

  constructor(db: WarehouseService) {
    // Process metrics, among them nodejs_eventloop_lag_seconds and its percentiles.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    db.observe({
      query: (s) => this.warehouseQuery.observe(s),
      cache: (hit) => this.cache.inc({ result: hit ? 'hit' : 'miss' }),
      load: (outcome, s, rows) => {
        this.loads.inc({ outcome });
        this.loadDuration.observe(s);
        this.loadRows.inc({ kind: 'read' }, rows.read);
        this.loadRows.inc({ kind: 'loaded' }, rows.loaded);
        this.loadRows.inc({ kind: 'rejected' }, rows.rejected);
      },
    });
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> {
    return new Histogram({ name, help, buckets, labelNames, registers: [this.registry] });
  }

  private label(operation: string | null | undefined): string {
    if (!operation) return 'anonymous';
    if (!OPERATION.test(operation)) return 'other';
    if (this.operations.has(operation)) return operation;
    if (this.operations.size >= MAX_OPERATIONS) return 'other';
    this.operations.add(operation);
    return operation;
  }

  graphqlRequest(operation: string | null | undefined, seconds: number): void {
    const op = this.label(operation);
    this.gqlRequests.inc({ operation: op });
    this.gqlLatency.observe({ operation: op }, seconds);
  }

  graphqlError(code: string): void {
    this.gqlErrors.inc({ code });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  alertAttempt(status: AlertDeliveryStatus): void {
    this.alertAttempts.inc({ status });
  }
}
