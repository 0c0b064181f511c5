import { createServer } from 'node:net';
import { type Check, type CheckResult, fail, ok } from './check.js';

/** Binds the address `serve` would listen on and lets it go again. */
export function portCheck(host: string, port: number): Check {
  return {
    name: 'port',
    run: () =>
      new Promise<CheckResult>((resolve) => {
        const server = createServer();
        server.once('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'EADDRINUSE') {
            resolve(fail(`${host}:${port} is already in use`, `stop what listens there (ss -ltnp 'sport = :${port}') or choose another --port / EARSHOT_PORT`));
          } else if (error.code === 'EACCES') {
            resolve(fail(`${host}:${port} may not be bound by this user (${error.code})`, 'use a port above 1023, or grant CAP_NET_BIND_SERVICE'));
          } else {
            resolve(fail(`${host}:${port} cannot be bound (${error.code ?? error.message})`, 'use an address of this machine in --host / EARSHOT_HOST'));
          }
        });
        server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(ok(`${host}:${port} is free`))));
      }),
  };
}
