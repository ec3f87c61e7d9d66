import { z } from 'zod';
import 'trading-signals';

// The libraries the workflow code imports, evaluated once per worker in the SDK's workflow sandbox instead of once
// per workflow (preloaded: SHARED_WORKFLOW_MODULES in src/worker.ts). Every workflow on the thread then shares
// their module state, and the SDK freezes this module's exports and the sandbox's globals once it has run.
//
// zod keeps its config in a global, written lazily: its default locale and memoizer the first time it builds a
// schema (and, in the ES module build the tests bundle, whether it may compile parsers). Left to the first workflow,
// that write would fail on the frozen global and fail every workflow task; so one schema is built here, first.
// For the same reason workflow code must never call z.config(), setErrorMap() or give a schema .meta({ id }).
//
// decimal.js stays per workflow: its operations write precision and rounding on the constructor for a moment
// (pow, ln, exp), which a frozen shared Decimal would refuse, leaving its rounding off for the whole thread.
z.object({ id: z.string() });
