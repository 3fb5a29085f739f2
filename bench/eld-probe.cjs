// Event-loop stall probe, preloaded into the server with `node --require bench/eld-probe.cjs` (no server change).
// Every 500 ms it writes the event-loop delay histogram (perf_hooks.monitorEventLoopDelay) and the
// longest timer lateness seen to $BENCH_ELD_OUT; creating $BENCH_ELD_OUT.reset resets both (the benchmark does
// before a load phase; not a signal: the server's shutdown hooks treat SIGUSR2 as a shutdown).
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { existsSync, writeFileSync, renameSync, rmSync } = require('node:fs');

const out = process.env.BENCH_ELD_OUT;
if (out) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  let maxLateMs = 0;
  let stallsOver100 = 0;
  let stallsOver250 = 0;
  let since = Date.now();
  const PERIOD = 20;
  let expected = performance.now() + PERIOD;
  const tick = setInterval(() => {
    const now = performance.now();
    const late = now - expected;
    if (late > maxLateMs) maxLateMs = late;
    if (late > 100) stallsOver100++;
    if (late > 250) stallsOver250++;
    expected = now + PERIOD;
  }, PERIOD);
  tick.unref();
  // The histogram records the interval between 10 ms samples: minus the resolution, what is left is the stall.
  const ms = (ns) => Math.max(0, ns / 1e6 - 10);
  const dump = () => {
    const data = {
      since,
      at: Date.now(),
      p50Ms: ms(h.percentile(50)),
      p99Ms: ms(h.percentile(99)),
      maxMs: ms(h.max),
      meanMs: ms(h.mean),
      samples: h.count,
      maxTimerLateMs: maxLateMs,
      stallsOver100,
      stallsOver250,
    };
    try {
      writeFileSync(`${out}.tmp`, JSON.stringify(data));
      renameSync(`${out}.tmp`, out);
    } catch {
      /* the benchmark may have removed its temp folder */
    }
  };
  const writer = setInterval(dump, 500);
  writer.unref();
  const reset = setInterval(() => {
    if (!existsSync(`${out}.reset`)) return;
    rmSync(`${out}.reset`, { force: true });
    h.reset();
    maxLateMs = 0;
    stallsOver100 = 0;
    stallsOver250 = 0;
    since = Date.now();
    expected = performance.now() + PERIOD;
    dump();
  }, 50);
  reset.unref();
}
