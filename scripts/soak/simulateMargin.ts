import { slopeBound } from '../observe/stats';

// How often the soak's memory criterion fails a flat process, and how often it catches a leak, under noise shaped
// like what collectors and allocators do to RSS (docs/soak/README.md, "Judging the slope with its margin").
// `npx tsx scripts/soak/simulateMargin.ts`: seeded, so every run prints the same table.

const LIMIT = 1; // MB per 10 minutes, as GROWTH_LIMIT_MB in analysis.ts
const MINUTES = 30;

/** A seeded uniform generator on [0, 1) (mulberry32). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const gauss = (u: () => number) => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

/** A level in MB for each minute of the run, from a noise model. */
type Noise = { name: string; level: (u: () => number) => (minute: number) => number };

const steps = (swing: number, every: number): Noise => ({
  name: `steps of up to ±${swing / 2} MB every ${every} min`,
  level: (u) => {
    const levels = Array.from({ length: MINUTES + 1 }, () => swing * (u() - 0.5));
    return (m) => levels[Math.floor(m / every)];
  },
});

const walk = (sd: number, phi: number): Noise => ({
  name: `slow random walk (AR(1) per minute, sd ${sd} MB, phi ${phi})`,
  level: (u) => {
    const v = [0];
    for (let i = 0; i <= MINUTES + 1; i++) v.push(phi * v[v.length - 1] + sd * gauss(u));
    return (m) => v[Math.floor(m)];
  },
});

/** Does one simulated run fail? 10-second samples with 1 MB jitter, per-minute means over the last 80 %. */
function fails(noise: Noise, leakPer10Min: number, u: () => number): boolean {
  const level = noise.level(u);
  const points: [number, number][] = [];
  for (let minute = MINUTES * 0.2; minute < MINUTES; minute++) {
    let sum = 0;
    for (let i = 0; i < 6; i++) {
      const t = minute + i / 6;
      sum += level(t) + (leakPer10Min * t) / 10 + gauss(u);
    }
    points.push([minute / 10, sum / 6]);
  }
  const b = slopeBound(points)!;
  return b.slope - b.margin > LIMIT;
}

const share = (runs: number, noise: Noise, leak: number, u: () => number) => {
  let failed = 0;
  for (let i = 0; i < runs; i++) if (fails(noise, leak, u)) failed++;
  return `${((100 * failed) / runs).toFixed(1)} %`;
};

const u = uniform(20261202);
console.log('noise | flat processes failed (2,000 runs) | 5 MB/10 min caught | 10 MB/10 min caught (1,000 runs each)');
for (const noise of [steps(16, 2), steps(16, 3), steps(30, 1), steps(40, 5), walk(5, 0.7), walk(5, 0.9)]) {
  console.log(
    `${noise.name} | ${share(2000, noise, 0, u)} | ${share(1000, noise, 5, u)} | ${share(1000, noise, 10, u)}`,
  );
}
