/**
 * The benchmarks' helper processes: forked workers they talk to by message, and the local Slack
 * server in a process of its own, so what a benchmark measures does not share its event loop.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export type Msg = Record<string, unknown> & { cmd: string };

export interface BenchChild {
  proc: ChildProcess;
  /** Sends `m` (nothing when its cmd is 'none') and waits for the reply named `reply`; rejects if the child exits first. */
  ask(m: Msg, reply: string): Promise<Msg>;
}

/** Forks bench/`file` under tsx with --expose-gc and any further `execArgv`. */
export function forkBenchChild(file: string, args: string[] = [], execArgv: string[] = []): BenchChild {
  const proc = fork(join(import.meta.dirname, file), args, {
    execArgv: ['--import', 'tsx', '--expose-gc', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = (m: Msg, reply: string) =>
    new Promise<Msg>((resolve, reject) => {
      const on = (r: Msg) => {
        if (r.cmd !== reply) return;
        proc.off('message', on);
        proc.off('exit', fail);
        resolve(r);
      };
      const fail = (code: number) => reject(new Error(`${file} exited with ${code} waiting for ${reply}`));
      proc.on('message', on);
      proc.once('exit', fail);
      if (m.cmd !== 'none') proc.send(m);
    });
  return { proc, ask };
}

/** The local Slack server in its own process (bench/slack-server-proc.ts); `records` is its `/_records`. */
export async function startExternalSlack<R>(): Promise<{ url: string; records(): Promise<R>; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'slack-server-proc.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(buf.trim());
    });
    child.once('exit', (code) => reject(new Error(`the Slack server process exited (${code})`)));
  });
  return {
    url,
    records: async () => (await (await fetch(`${url}/_records`)).json()) as R,
    stop: () => child.kill(),
  };
}
