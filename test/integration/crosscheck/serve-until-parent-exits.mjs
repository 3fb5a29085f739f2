// Runs the built server (argv[2]) until this process's stdin closes, i.e. until the Jest worker that
// started it exits, then stops it and removes its folder (REFUNDS_SERVE_DIR, else the database's). Forwards the server's
// output until its ready line, then writes the rest to server.log beside the database, so a log
// nobody reads any more never blocks the server.
import { spawn } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

const dir = process.env.REFUNDS_SERVE_DIR ?? dirname(process.env.REFUNDS_DB);
const log = createWriteStream(join(dir, 'server.log'));
const child = spawn(process.execPath, [process.argv[2]], { stdio: ['ignore', 'pipe', 'pipe'] });
let ready = false;
for (const stream of [child.stdout, child.stderr]) {
  stream.on('data', (d) => {
    log.write(d);
    if (!ready) process.stdout.write(d);
    if (/ready: http/.test(String(d))) ready = true;
  });
}
const stop = () => child.kill('SIGTERM');
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
child.on('exit', (code) => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
