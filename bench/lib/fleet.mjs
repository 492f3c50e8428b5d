// The fleet section of bench/results.md (bench/fleet/run.ts's result). Pure: no I/O.
const s = (ms) => (ms / 1000).toFixed(1);

/** Ratios are against the serial run measured in the same benchmark run. */
export function fleetRows(r) {
  const serial = r.rows.find((x) => x.executor === 'serial');
  return r.rows.map((x) => ({
    ...x,
    label: x.workers ? `bullmq, ${x.workers} worker${x.workers === 1 ? '' : 's'}` : x.executor,
    vsSerial: serial ? x.wallMs / serial.wallMs : NaN,
  }));
}

export function fleetSection(r, meta) {
  const rows = fleetRows(r);
  const o = r.overhead;
  return [
    '<!-- fleet -->',
    '## Fleet (issue 15): examples/scenarios.pipeline, serial vs local pool vs bullmq workers',
    '',
    `Measured ${meta.date} by \`flock /tmp/phasebook-heavy.lock npm run bench -- --only fleet\` on ` +
      `${meta.cpus} cores shared with other work (load average ${meta.loadStart} at the start, ${meta.loadEnd} ` +
      `at the end; \`uptime\`: ${meta.uptime}).`,
    'Each run is `phasebook run` in its own process on a fresh copy of the project (cold cache); fleet ' +
      'workers are `phasebook worker --concurrency 1` processes on this machine, on a redis-server of the ' +
      "benchmark's own on 127.0.0.1 and a directory store, a fresh store per fleet size.",
    '',
    '| executor | wall s | vs serial | reports + predictions = serial bytes | load at end |',
    '|---|---|---|---|---|',
    ...rows.map(
      (x) =>
        `| ${x.label} | ${s(x.wallMs)} | ${x.vsSerial.toFixed(2)}x | ` +
        `${x.sameBytes === undefined ? '–' : x.sameBytes ? 'yes' : '**no**'} | ${x.load} |`,
    ),
    '',
    `Per-job queue overhead: one empty \`ts\` cell, forced, ${o.runs} times in one coordinator process: ` +
      `median ${o.serialMedianMs.toFixed(1)} ms serial, ${o.fleetMedianMs.toFixed(1)} ms through Redis + a ` +
      `worker + the directory store (p90 ${o.fleetP90Ms.toFixed(1)} ms), so **${o.perJobMs.toFixed(1)} ms per ` +
      `job** (load ${o.load}).`,
    '<!-- /fleet -->',
  ].join('\n');
}

/** results.md with its fleet section replaced (or appended). */
export function spliceFleet(md, section) {
  const a = md.indexOf('<!-- fleet -->');
  const b = md.indexOf('<!-- /fleet -->');
  if (a >= 0 && b > a) return md.slice(0, a) + section + md.slice(b + '<!-- /fleet -->'.length);
  return `${md.trimEnd()}\n\n${section}\n`;
}
