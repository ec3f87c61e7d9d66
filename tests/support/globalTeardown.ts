import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__OODA_SERVICES__?.stop();
  if (process.env.OODA_TEST_DIR) rmSync(process.env.OODA_TEST_DIR, { recursive: true, force: true });
}
