import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { youngGenerationFlags } from '../../src/runtime/workflowHeap';

// The worker's main isolate takes its young generation from node's command line only (src/runtime/workflowHeap.ts):
// each command that starts a worker carries the flags for WORKER_SEMI_SPACE_MB's default. docker-compose.yml's
// command is checked as Compose reads it, in dockerCompose.test.ts.

const ROOT = path.resolve(__dirname, '..', '..');
const flags = youngGenerationFlags(loadConfig({}).worker.semiSpaceMb);

it('npm start and npm run worker start node with the young generation flags', () => {
  const scripts = (
    JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  expect(flags).toHaveLength(2);
  expect(scripts.start).toMatch(new RegExp(`&& node ${flags.join(' ')} dist/main\\.js$`));
  expect(scripts.worker).toMatch(new RegExp(`&& node ${flags.join(' ')} dist/workerMain\\.js$`));
});

it("the image's default command, the worker, starts node with them", () => {
  const cmd = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').match(/^CMD (\[.*\])$/m)?.[1];
  expect(cmd).toBeDefined();
  expect(JSON.parse(cmd!)).toEqual(['node', ...flags, 'dist/workerMain.js']);
});
