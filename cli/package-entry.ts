// Entry of the tacit-sdk package's command, compiled into dist/cli.js by scripts/build-packages.ts (so
// it runs on plain Node, without tsx). The default model is the copy the package serves to browsers
// (dist/tacit/), which the command reads too.

import { usePackageFolder } from './served-files.ts';
import { main } from './main.ts';

usePackageFolder(new URL('./tacit/', import.meta.url));
process.exitCode = await main(process.argv.slice(2));
