import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseGoMemory, readGoMemory } from '../../../scripts/topology/goMemory';

// Go's heap figures from a Temporal server's Prometheus text. The sample lines are as the dev server (CLI v1.5.1)
// reported them at its start (its four services in one process report the same figures; two shown), in Go's
// exponent notation, among HELP/TYPE comment lines of the exposition format.
const EXPOSITION = `# HELP memory_heapidle memory_heapidle gauge
# TYPE memory_heapidle gauge
memory_heapidle{service_name="frontend"} 3.530752e+06
memory_heapidle{service_name="history"} 3.530752e+06
# HELP memory_heapinuse memory_heapinuse gauge
# TYPE memory_heapinuse gauge
memory_heapinuse{service_name="frontend"} 2.0291584e+07
memory_heapinuse{service_name="history"} 2.0291584e+07
# HELP memory_heapreleased memory_heapreleased gauge
# TYPE memory_heapreleased gauge
memory_heapreleased{service_name="frontend"} 3.465216e+06
memory_heapreleased_total 9
`;

it('reads the heap in use, and what Go holds: in use plus idle spans not yet returned to the OS', () => {
  expect(parseGoMemory(EXPOSITION)).toEqual({ inUse: 20_291_584, held: 20_291_584 + (3_530_752 - 3_465_216) });
});

it('answers null to a body without the figures, or with a figure that is not a size', () => {
  expect(parseGoMemory('')).toBeNull();
  expect(parseGoMemory('<html>404 page not found</html>')).toBeNull();
  expect(parseGoMemory(EXPOSITION.replace(/^memory_heapreleased\{.*$/m, ''))).toBeNull();
  expect(parseGoMemory(EXPOSITION.replace('2.0291584e+07', 'NaN'))).toBeNull();
  expect(parseGoMemory(EXPOSITION.replace('2.0291584e+07', '-1'))).toBeNull();
  // A gauge whose name merely starts like one of them is not that gauge.
  expect(parseGoMemory(EXPOSITION.replace(/^memory_heapreleased\{.*$/m, 'memory_heapreleased_total 9'))).toBeNull();
});

describe('from an endpoint', () => {
  let server: Server;
  let answer: (res: import('node:http').ServerResponse) => void;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads the figures it serves', async () => {
    answer = (res) => res.end(EXPOSITION);
    expect(await readGoMemory(url)).toEqual(parseGoMemory(EXPOSITION));
  });

  it('answers null to an error status, a closed port and an endpoint that does not answer in time', async () => {
    answer = (res) => res.writeHead(500).end(EXPOSITION);
    expect(await readGoMemory(url)).toBeNull();
    expect(await readGoMemory('http://127.0.0.1:1/metrics')).toBeNull();
    answer = () => undefined; // never answers
    const started = Date.now();
    expect(await readGoMemory(url, 300)).toBeNull();
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
