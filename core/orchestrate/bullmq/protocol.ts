/**
 * What crosses Redis between a coordinator and the fleet (docs/design.md §4.9). A job is one computed cell;
 * its BullMQ job id is the cell's cache key, so two coordinators asking for the same work share
 * one job. It carries only what a worker needs to rebuild the session (notebook text, roots,
 * seed), the cell's name and the keys of the inputs to pull from the artifact store — never a
 * result: results travel through the store (core/store/cacheEntries.ts).
 */
import { sha256 } from '../../base/hash';
import type { LogRecord } from '../../log';
import type { ArtifactRoots } from '../../runs/roots';
import type { NotebookRef, WireEvent, WireOutcome } from '../executor';

/**
 * A project's tag: results name the files their cells wrote under the project folder, so the
 * same cache key in two projects is two pieces of work. Job ids and store manifests carry it.
 */
export const fleetScope = (baseDir: string): string => sha256(baseDir).slice(0, 12);

/** The BullMQ job id of a cell: its cache key, then the project's tag (BullMQ ids may not hold ':'). */
export const fleetJobId = (key: string, baseDir: string): string => `${key}-${fleetScope(baseDir)}`;

export const DEFAULT_QUEUE = 'phasebook-cells';
export const JOB_NAME = 'cell';
/** Redis key a coordinator sets to ask the worker running a job to stop (value: the reason). */
export const cancelKey = (queue: string, jobId: string): string => `phasebook:${queue}:cancel:${jobId}`;

export interface CellJobData {
  /** The coordinator's engine version: a worker of another version refuses the job. */
  engine: string;
  notebook: NotebookRef;
  cell: string;
  /** The cell's cache key (also the job id). */
  key: string;
  /** Keys of every ancestor the cell reads (its session restores them from the cache). */
  inputKeys: string[];
  force: boolean;
  /** The coordinator's resolved roots: the worker stages them in a scratch folder and names its outputs by them. */
  roots: ArtifactRoots;
}

export interface CellJobResult {
  /** The worker's name (host:pid/slot). */
  worker: string;
  /** The cell's events as the worker saw them (started, progress, run-created, finished). */
  events: WireEvent[];
  outcome: WireOutcome;
  /** The cell's log records (the last ones when there are many). */
  logs: LogRecord[];
  /** sha256 of the job's output manifest (an object in the artifact store): the files the cell wrote. */
  outputs?: string;
}

export const OUTPUT_FORMAT = 1;
/** Where an output goes on the coordinator: under one of its roots, or its base folder (reports/). */
export type OutputRoot = Exclude<keyof ArtifactRoots, 'cache'> | 'base';

export interface OutputFile {
  root: OutputRoot;
  /** Relative to the root, slash-separated. */
  path: string;
  sha256: string;
  /** Permission bits. */
  mode: number;
  /** write: the file as it is (atomically); append: to the coordinator's (job logs); trials: merged into its ledger. */
  how: 'write' | 'append' | 'trials';
}

export interface OutputManifest {
  format: number;
  key: string;
  files: OutputFile[];
  /** The worker's scratch paths -> the project's (for paths inside binary files, such as the ledger's rows). */
  mapping: [string, string][];
}

/** The store object naming the output manifest of a key's first push (read when the job's return value is lost). */
export const outputsName = (scope: string, key: string): string => `outputs/${scope}/${key}.json`;

/** How many records of a cell's log go back to the coordinator through Redis. */
export const MAX_LOGS = 200;
