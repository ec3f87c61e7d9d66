import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { botsContext, type BotsContext } from '../../src/api/bots';
import { type ApiServer, startApiServer } from '../../src/api/server';
import { eventually, useTestWorker } from '../support/harness';

// The operator's dashboard in a real browser (chromium driven by playwright-core) on the real API, worker and
// database: create a bot from the form, watch it cycle, steer it, read why a cycle and a trade happened, and
// give the token when the API asks. It also refreshes the README's screenshot, docs/dashboard.png.

const BOT = 'dash';
const TOKEN = 'test-token-0123456789abcdef';
const SCREENSHOT = path.resolve(__dirname, '..', '..', 'docs', 'dashboard.png');

function chromiumExecutable(): string {
  const given = process.env.OODA_CHROMIUM_PATH;
  if (given && !existsSync(given)) throw new Error(`OODA_CHROMIUM_PATH is ${given}, which does not exist`);
  const found = given ?? spawnSync('which', ['chromium'], { encoding: 'utf8' }).stdout?.trim();
  if (!found) {
    throw new Error(
      'the dashboard test needs Chromium: `apt-get install -y chromium` (.ci/run does it as root), ' +
        'or set OODA_CHROMIUM_PATH to a Chromium or Chrome executable',
    );
  }
  return found;
}

const env = useTestWorker();
let ctx: BotsContext;
let api: ApiServer;
let browser: Browser;
/** What the page's Content-Security-Policy refused, and script errors: the dashboard must cause none. */
const pageProblems: string[] = [];

async function openDashboard(server: ApiServer): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => pageProblems.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageProblems.push(m.text());
  });
  await page.goto(`${server.url}/`);
  return page;
}

async function read(route: string): Promise<Record<string, any>> {
  return (await fetch(`${api.url}${route}`)).json() as Promise<Record<string, any>>;
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();

describe('the dashboard', () => {
  // Inside the describe: the browser and the API close before useTestWorker's afterAll drops the database.
  beforeAll(async () => {
    ctx = botsContext({
      client: env.temporal.client,
      ledger: env.db.ledger,
      taskQueue: env.temporal.taskQueue,
      // Not quicktest: the bot trades on mock data only if the form sends the mode the operator picked.
      defaultMarketDataMode: 'live',
    });
    api = await startApiServer(ctx, '127.0.0.1', 0);
    browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await env.temporal?.client.workflow
      .getHandle(`bot-${BOT}`)
      .terminate('test done')
      .catch(() => undefined);
  });

  it('creates a bot from the form, shows it cycling and trading, stops it, and explains a cycle and a trade', async () => {
    const page = await openDashboard(api);
    await page.locator('#updated', { hasText: 'updated' }).waitFor(); // the first refresh is in

    const create = page.locator('#create-form');
    await create.getByLabel('Id', { exact: true }).fill(BOT);
    await create.getByLabel('Symbol').fill('BTC/USD');
    await create.getByLabel('Market data').selectOption('quicktest');
    await create.getByLabel('Interval (s)').fill('2');
    await create.getByRole('button', { name: 'Create' }).click();

    const row = page.locator(`#bots tr[data-bot="${BOT}"]`);
    await row.waitFor();
    expect((await read(`/api/bots/${BOT}`)).config).toMatchObject({ marketDataMode: 'quicktest', intervalSeconds: 2 });
    await page.locator('#bot-title', { hasText: `${BOT} · BTC/USD · quicktest` }).waitFor(); // selected

    // It cycles: the count in the page grows, through the page's own polling.
    const cyclesShown = async () => Number(await row.locator('.cycles').textContent());
    const first = await eventually(async () => {
      const n = await cyclesShown();
      return n >= 1 ? n : undefined;
    }, 60_000);
    await eventually(async () => ((await cyclesShown()) > first ? true : undefined), 60_000, 'more cycles in the page');
    // quicktest buys when flat and sells when holding: both show up as trades, and as points on both charts.
    await eventually(
      async () => ((await page.locator('#trades tbody tr').count()) >= 3 ? true : undefined),
      60_000,
      'three trades in the page',
    );
    expect(await page.locator('#trades td.buy').count()).toBeGreaterThan(0);
    expect(await page.locator('#trades td.sell').count()).toBeGreaterThan(0);
    expect(await page.locator('#equity-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#price-chart canvas').count()).toBeGreaterThan(0);
    expect(await text(page, `#bots tr[data-bot="${BOT}"] td.state`)).toBe('running');

    // The config form changes the interval through the API's Workflow Update.
    await page.locator('#config-form').getByLabel('Interval (s)').fill('3');
    await page.locator('#config-form').getByRole('button', { name: 'Apply' }).click();
    await eventually(
      async () => ((await read(`/api/bots/${BOT}`)).config.intervalSeconds === 3 ? true : undefined),
      30_000,
      'the new interval',
    );

    // An API error reaches the operator with its code and message.
    await create.getByLabel('Id', { exact: true }).fill(BOT);
    await create.getByLabel('Symbol').fill('BTC/USD');
    await create.getByRole('button', { name: 'Create' }).click();
    await page.locator('#error').waitFor();
    expect(await text(page, '#error')).toBe(`bot_exists: bot "${BOT}" already exists and is open`);

    await page.locator('#stop').click();
    const shownStates = async () => [
      await text(page, `#bots tr[data-bot="${BOT}"] td.state`),
      await text(page, '#bot-state'),
    ];
    await eventually(
      async () => ((await shownStates()).every((s) => s === 'stopped') ? true : undefined),
      60_000,
      'the bot stopped in the page',
    );
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(await page.locator('#start').isEnabled()).toBe(true);
    expect((await read(`/api/bots/${BOT}`)).running).toBe(false);

    // One click explains the newest cycle: the same sentence the API gives, and the Temporal UI link.
    const cycle = Number(await page.locator('#cycles tbody tr').first().getAttribute('data-cycle'));
    await page.locator(`#cycles tr[data-cycle="${cycle}"]`).getByRole('button', { name: 'Explain' }).click();
    await page.locator('#explanation-title', { hasText: `Cycle ${cycle}` }).waitFor();
    const whyCycle = await read(`/api/bots/${BOT}/cycles/${cycle}`);
    expect(whyCycle.summary).toMatch(new RegExp(`^Cycle ${cycle}: quicktest said `));
    expect(await text(page, '#explanation-summary')).toBe(whyCycle.summary);
    expect(await page.locator('#explanation-link').getAttribute('href')).toBe(whyCycle.temporalUi);

    const firstTrade = page.locator(`#trades tr[data-trade="${BOT}:1"]`);
    await firstTrade.getByRole('button', { name: 'Explain' }).click();
    await page.locator('#explanation-title', { hasText: `Trade ${BOT}:1` }).waitFor();
    const whyTrade = await read(`/api/trades/${BOT}:1`);
    expect(whyTrade.summary).toMatch(/; bought [\d.]+ BTC\/USD at /);
    expect(await text(page, '#explanation-summary')).toBe(whyTrade.summary);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(pageProblems).toEqual([]);
    await page.close();
  });

  it('describes the API: OpenAPI 3.1 at /api/openapi.json, browsable at /api/docs without any network', async () => {
    const doc = await read('/api/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/bots', '/api/bots/{id}', '/api/bots/{id}/cycles/{n}', '/api/trades/{tradeId}']),
    );
    // Generated from the schemas the routes validate with: the create body requires what the route requires.
    const create = doc.paths['/api/bots'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(['id', 'symbol']);
    expect(create.additionalProperties).toBe(false);
    const page = await browser.newPage();
    page.on('pageerror', (err) => pageProblems.push(err.message));
    await page.goto(`${api.url}/api/docs`);
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 });
    expect(await text(page, '.swagger-ui .info .title')).toContain('OODA Bot control API');
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(15);
    await page.close();
    expect(pageProblems).toEqual([]);
  });

  it('asks for the token once when the API protects reads, then sends it with every call', async () => {
    const guarded = await startApiServer(ctx, '127.0.0.1', 0, { token: TOKEN, protectReads: true });
    try {
      const page = await openDashboard(guarded);
      await page.locator('#token-form').waitFor();
      expect(await text(page, '#error')).toMatch(/^unauthorized: /);
      await page.locator('#token-form').getByLabel('API token').fill(TOKEN);
      await page.locator('#token-form').getByRole('button', { name: 'Use token' }).click();

      const row = page.locator(`#bots tr[data-bot="${BOT}"]`);
      await row.click();
      await page.locator('#start').click();
      await eventually(
        async () => ((await text(page, '#bot-state')) === 'running' ? true : undefined),
        60_000,
        'the bot running again in the page',
      );
      expect(await page.locator('#token-form').isHidden()).toBe(true);
      expect(await page.locator('#error').isHidden()).toBe(true);
      expect(await page.evaluate("sessionStorage.getItem('ooda-bot.apiToken')")).toBe(TOKEN);

      // Stopped again with the same token, and left idle: no cycle in flight when afterAll terminates the bot.
      await page.locator('#stop').click();
      await eventually(
        async () => {
          const bot = await read(`/api/bots/${BOT}`);
          return !bot.running && !bot.currentCycle ? true : undefined;
        },
        60_000,
        'the bot stopped and idle',
      );
      expect(await page.locator('#token-form').isHidden()).toBe(true);
      expect(pageProblems).toEqual([]);
      await page.close();
    } finally {
      await guarded.stop();
    }
  });
});
