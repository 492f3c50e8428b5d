/** `phasebook ARGS` as a real process in the folder DIR: `node --import tsx cliChild.ts DIR ARGS...`. */
import { main } from '../../../core/cli/main';

process.chdir(process.argv[2]!);
void main(process.argv.slice(3)).then((code) => process.exit(code));
