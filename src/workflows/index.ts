// The worker's workflow bundle entry: only orchestration lives under src/workflows.
export { botWorkflow } from './bot';
export { oodaCycleWorkflow } from './cycle';
