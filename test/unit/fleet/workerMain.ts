/** `phasebook <argv>` from the sources, for the fleet tests' worker processes. */
import { main } from '../../../core/cli/main';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`phasebook: internal error: ${(e as Error).stack}\n`);
    process.exit(1);
  },
);
