/**
 * Loaded with `node --import` (see test/cli/start-imports.test.ts): registers a resolve hook that
 * appends the URL of every module the program resolves to the file named by $TIERWISE_IMPORT_LOG.
 */
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, {
  data: { log: process.env['TIERWISE_IMPORT_LOG'] },
});
