import { chooseNodeAllocator } from '../../../scripts/topology/allocator';

// The node processes' malloc, as the launcher picks it: jemalloc when installed or asked for, never silently missing.

const only = (file: string) => (p: string) => p === file;
const nothing = () => false;

it('preloads jemalloc by default when installed, JEMALLOC_PATH first', () => {
  expect(chooseNodeAllocator(undefined, { JEMALLOC_PATH: '/opt/je.so' }, only('/opt/je.so'))).toEqual({
    allocator: 'jemalloc',
    env: { LD_PRELOAD: '/opt/je.so' },
    description: 'jemalloc (/opt/je.so)',
  });
  expect(chooseNodeAllocator('jemalloc', {}, only('/usr/lib64/libjemalloc.so.2')).env).toEqual({
    LD_PRELOAD: '/usr/lib64/libjemalloc.so.2',
  });
});

it('falls back to the system allocator, saying so, when jemalloc is not installed and not asked for', () => {
  expect(chooseNodeAllocator(undefined, {}, nothing)).toEqual({
    allocator: 'system',
    env: {},
    description: expect.stringContaining('apt-get install libjemalloc2'),
  });
});

it('refuses jemalloc asked for and missing, naming where it looked', () => {
  expect(() => chooseNodeAllocator('jemalloc', { JEMALLOC_PATH: '/nope.so' }, nothing)).toThrow(
    /jemalloc asked for but not found \(looked for \/nope\.so, .*libjemalloc\.so\.2/,
  );
});

it('uses the system allocator when asked, and leaves an LD_PRELOAD already set to the workers', () => {
  expect(chooseNodeAllocator('system', {}, () => true)).toMatchObject({ allocator: 'system', env: {} });
  expect(chooseNodeAllocator(undefined, { LD_PRELOAD: '/p/heaptrack.so' }, () => true)).toEqual({
    allocator: 'inherited',
    env: {},
    description: 'LD_PRELOAD from the environment (/p/heaptrack.so)',
  });
});
