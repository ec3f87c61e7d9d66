import { z } from 'zod';
import 'trading-signals';
import 'decimal.js';

// The libraries the workflow code imports, evaluated once per worker in the SDK's workflow sandbox instead of
// once per workflow (preloaded: SHARED_WORKFLOW_MODULES in src/worker.ts). Once this module has run, the SDK
// freezes it, the libraries and the sandbox's globals. zod writes two defaults into its global config the first
// time it builds a schema (its locale, and on a container its memoizer); built later, inside a workflow, that write
// would fail on the frozen config and fail every workflow task. So one schema is built here, while it can write.
z.object({ id: z.string() });
