import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { WarehouseService } from '../../database/warehouse';

const OPERATION = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Operation names are client-chosen: past this many distinct ones, the rest are counted as "other". */
const MAX_OPERATIONS = 200;

/** Prometheus metrics of this process (GET /metrics). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly gqlRequests = new Counter({
    name: 'refunds_graphql_requests_total',
    help: 'GraphQL requests by operation name',
    labelNames: ['operation'],
    registers: [this.registry],
  });
  private readonly gqlLatency = new Histogram({
    name: 'refunds_graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation name',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly gqlErrors = new Counter({
    name: 'refunds_graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly loads = new Counter({ name: 'refunds_loads_total', help: 'Loads by outcome', labelNames: ['outcome'], registers: [this.registry] });
  private readonly loadRows = new Counter({
    name: 'refunds_load_rows_total',
    help: 'Rows read, loaded and rejected by loads',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly loadDuration = new Histogram({
    name: 'refunds_load_duration_seconds',
    help: 'Load duration',
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers: [this.registry],
  });
  private readonly warehouseQuery = new Histogram({
    name: 'refunds_warehouse_query_duration_seconds',
    help: 'Time of each analytics query in the warehouse (result-cache hits excluded)',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly cache = new Counter({
    name: 'refunds_result_cache_requests_total',
    help: 'Result-cache look-ups by result (hit or miss)',
    labelNames: ['result'],
    registers: [this.registry],
  });

  private readonly alertAttempts = new Counter({
    name: 'refunds_alert_delivery_attempts_total',
    help: 'Alert delivery attempts by the status they left the delivery in (DELIVERED, RETRYING, FAILED)',
    labelNames: ['status'],
    registers: [this.registry],
  });

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

  alertAttempt(status: 'DELIVERED' | 'RETRYING' | 'FAILED'): void {
    this.alertAttempts.inc({ status });
  }
}
