import type { TestProject } from 'vitest/node';
import { startServe } from '../helpers/serve.js';

/**
 * Global setup of the clients suite: one `liveviewdb serve`, started as a user would (the CLI, a
 * free port, a fresh data directory, the admin password from LIVEVIEWDB_PASSWORD), shared by
 * every client test. Tests read the port with `inject('pgPort')`.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    pgPort: number;
    pgPassword: string;
  }
}

const PASSWORD = 'clients-secret';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const srv = await startServe(PASSWORD, ['--log-level', 'warn']);
  project.provide('pgPort', srv.port);
  project.provide('pgPassword', PASSWORD);
  return () => srv.stop();
}
