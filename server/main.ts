/**
 * Starts the aggregation server: `npm run server` (tsx server/main.ts).
 * Settings come from the environment (see server/config.ts).
 */
import { ConfigError } from './config.ts';
import { serve } from './serve.ts';
import { TaxonomyFileError } from './taxonomy-file.ts';

serve().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`tacit server: configuration error: ${error.message}`);
  else if (error instanceof TaxonomyFileError) console.error(`tacit server: TACIT_TAXONOMY: ${error.message}`);
  else console.error('tacit server: failed to start:', error);
  process.exit(1);
});
