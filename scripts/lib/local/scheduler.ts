/**
 * The local Cloud Scheduler: fires the catalog's jobs on their cron by publishing to their topics.
 * `speed` runs schedule time faster than real time for demos (60 = an hourly job every minute);
 * each firing carries its schedule time in the `scheduledTime` attribute so sped-up firings that
 * share a real minute stay distinct.
 */
import type { Bus } from '../../../functions/src/platform/bus.js';
import { SCHEDULER_JOBS, type SchedulerJobSpec } from '../../../functions/src/platform/catalog.js';
import { cronMatches, parseCron } from './cron.js';

export interface LocalScheduler {
  stop(): void;
  fired: Array<{ job: string; at: string }>;
}

export function startScheduler(opts: {
  bus: Bus;
  speed?: number;
  jobs?: readonly SchedulerJobSpec[];
  onFire?: (job: string, at: Date) => void;
  onError?: (job: string, err: unknown) => void;
}): LocalScheduler {
  const speed = Math.max(1, opts.speed ?? 1);
  const jobs = (opts.jobs ?? SCHEDULER_JOBS).map((j) => ({ job: j, cron: parseCron(j.cron) }));
  const realStart = Date.now();
  const virtualNow = () => new Date(realStart + (Date.now() - realStart) * speed);
  let lastMinute = Math.floor(virtualNow().getTime() / 60_000);
  const fired: LocalScheduler['fired'] = [];
  const tick = () => {
    const nowMinute = Math.floor(virtualNow().getTime() / 60_000);
    // Never fire more than a few minutes of backlog at once (a laptop waking from sleep).
    for (let m = Math.max(lastMinute + 1, nowMinute - 5); m <= nowMinute; m++) {
      const at = new Date(m * 60_000);
      for (const { job, cron } of jobs) {
        if (!cronMatches(cron, at)) continue;
        fired.push({ job: job.name, at: at.toISOString() });
        opts.onFire?.(job.name, at);
        opts.bus
          .publish(job.topic, { job: job.name }, { scheduledTime: at.toISOString() })
          .catch((err: unknown) => opts.onError?.(job.name, err));
      }
    }
    lastMinute = nowMinute;
  };
  const timer = setInterval(tick, Math.max(50, Math.min(1000, 15_000 / speed)));
  return { stop: () => clearInterval(timer), fired };
}
