import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort, freePorts } from '../../../scripts/topology/ports';

// Ports handed to processes that bind them later: distinct, bindable, and below the kernel's ephemeral range,
// where no outbound connection can take one in the meantime.

const ephemeralLow = parseInt(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'), 10);
// Where the ephemeral range leaves no room below it (it starts at 11000 or lower), the range is 10000-32767.
const high = ephemeralLow > 11_000 ? Math.min(ephemeralLow, 32_768) : 32_768;

const bind = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });

describe('freePorts', () => {
  it('hands out distinct ports from 10000 up to the ephemeral range and below 32768, each bindable', async () => {
    const ports = await freePorts(40);
    expect(new Set(ports).size).toBe(40);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(high);
      await bind(port);
    }
  });

  it('one at a time, the same range', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(10_000);
    expect(port).toBeLessThan(high);
  });
});
