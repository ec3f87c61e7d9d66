// The containers' healthcheck (docker-compose.yml): `node dist/healthcheckMain.js <url>` exits 0 when the URL
// answers 2xx within 4 s, else 1. The images have no curl or wget; Node's own fetch does.

const url = process.argv[2];
if (!url) {
  console.error('usage: node dist/healthcheckMain.js <url>');
  process.exit(2);
}
fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  (err: Error) => {
    console.error(`${url}: ${err.message}`);
    process.exit(1);
  },
);
