/**
 * Cells to jobs, and the bookkeeping of which job may run next. A job is a chain of cells that
 * could not run in parallel anyway (a cell joins its parent's job when it is that parent's only
 * child to compute and has no other parent to compute), so a branch `preprocess[a] -> features[a]
 * -> split[a]` runs in one process without reloading its frames between cells.
 */
import type { Graph } from '../notebook/dag';
import type { Job } from './executor';

export function groupJobs(
  compute: readonly string[],
  graph: Pick<Graph, 'parents' | 'children'>,
  forced: ReadonlySet<string>,
): Job[] {
  const set = new Set(compute);
  const jobOf = new Map<string, Job>();
  const jobs: Job[] = [];
  for (const name of compute) {
    const ps = graph.parents(name).filter((p) => set.has(p));
    const only = ps.length === 1 ? ps[0] : undefined;
    const joinable = only !== undefined && graph.children(only).filter((c) => set.has(c)).length === 1;
    let job: Job;
    if (joinable) {
      job = jobOf.get(only) as Job;
      job.cells.push(name);
    } else {
      job = { id: name, cells: [name], dependsOn: [], force: false };
      jobs.push(job);
    }
    jobOf.set(name, job);
    if (forced.has(name)) job.force = true;
    for (const p of ps) {
      const dep = (jobOf.get(p) as Job).id;
      if (dep !== job.id && !job.dependsOn.includes(dep)) job.dependsOn.push(dep);
    }
  }
  return jobs;
}

/** The most jobs that could run at the same time (size of the widest level of the job DAG). */
export function jobWidth(jobs: readonly Job[]): number {
  const level = new Map<string, number>();
  const count = new Map<number, number>();
  for (const j of jobs) {
    const l = Math.max(0, ...j.dependsOn.map((d) => (level.get(d) ?? 0) + 1));
    level.set(j.id, l);
    count.set(l, (count.get(l) ?? 0) + 1);
  }
  return Math.max(0, ...count.values());
}

type JobState = 'waiting' | 'running' | 'ok' | 'failed' | 'skipped';

/** Which jobs are ready, given what has finished; jobs below a failure are skipped. */
export class JobBoard {
  private readonly state = new Map<string, JobState>();
  private readonly byId: Map<string, Job>;

  constructor(readonly jobs: readonly Job[]) {
    this.byId = new Map(jobs.map((j) => [j.id, j]));
    for (const j of jobs) this.state.set(j.id, 'waiting');
  }

  /** Jobs whose dependencies all succeeded, in the order given; marks them running. */
  takeReady(limit: number): Job[] {
    const out: Job[] = [];
    for (const j of this.jobs) {
      if (out.length >= limit) break;
      if (this.state.get(j.id) !== 'waiting') continue;
      if (j.dependsOn.every((d) => this.state.get(d) === 'ok')) {
        this.state.set(j.id, 'running');
        out.push(j);
      }
    }
    return out;
  }

  /** Marks a job done; returns the jobs newly skipped because of it, with the job to blame. */
  finish(id: string, ok: boolean): { job: Job; because: string }[] {
    this.state.set(id, ok ? 'ok' : 'failed');
    if (ok) return [];
    const skipped: { job: Job; because: string }[] = [];
    let changed = true;
    while (changed) {
      changed = false;
      for (const j of this.jobs) {
        if (this.state.get(j.id) !== 'waiting') continue;
        const bad = j.dependsOn.find((d) => this.state.get(d) === 'failed' || this.state.get(d) === 'skipped');
        if (bad) {
          this.state.set(j.id, 'skipped');
          skipped.push({ job: j, because: bad });
          changed = true;
        }
      }
    }
    return skipped;
  }

  running(): Job[] {
    return this.jobs.filter((j) => this.state.get(j.id) === 'running');
  }

  waiting(): Job[] {
    return this.jobs.filter((j) => this.state.get(j.id) === 'waiting');
  }

  get done(): boolean {
    return [...this.state.values()].every((s) => s !== 'waiting' && s !== 'running');
  }

  job(id: string): Job | undefined {
    return this.byId.get(id);
  }
}
