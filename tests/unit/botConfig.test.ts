import { ZodError } from 'zod';
import { resolveBotConfig } from '../../src/domain/botConfig';

describe('resolveBotConfig', () => {
  it('fills quicktest defaults: no fee or slippage, the quicktest strategy, $10,000.00', () => {
    expect(resolveBotConfig({ id: 'btc', symbol: 'BTC/USD' }, { marketDataMode: 'quicktest' })).toMatchObject({
      marketDataMode: 'quicktest',
      startingCash: '10000.00',
      cyclesPerRun: 100,
      strategy: { name: 'quicktest' },
      broker: { feeBps: 0, slippageBps: 0 },
    });
  });

  it('fills live defaults: fees, slippage and a real strategy', () => {
    expect(resolveBotConfig({ id: 'btc', symbol: 'BTC/USD' }, { marketDataMode: 'live' })).toMatchObject({
      intervalSeconds: 60,
      strategy: { name: 'ma-crossover' },
      broker: { feeBps: 10, slippageBps: 5 },
    });
  });

  it('keeps what the caller gave', () => {
    const c = resolveBotConfig(
      { id: 'eth', symbol: 'ETH/USD', marketDataMode: 'live', intervalSeconds: 10, risk: { cashFloor: 100 } },
      { marketDataMode: 'quicktest' },
    );
    expect(c).toMatchObject({ marketDataMode: 'live', intervalSeconds: 10, risk: { cashFloor: 100 } });
  });

  it.each([
    [{ symbol: 'BTC/USD' }],
    [{ id: 'x' }],
    [{ id: 'x', symbol: 'BTCUSD' }],
    [{ id: '-x', symbol: 'BTC/USD' }],
    [{ id: 'x', symbol: 'BTC/USD', startingCash: 10000 }],
    [{ id: 'x', symbol: 'BTC/USD', startingCash: '-5' }],
    [{ id: 'x', symbol: 'BTC/USD', cyclesPerRun: 0 }],
    [{ id: 'x', symbol: 'BTC/USD', cyclesPerRun: 2.5 }],
    [{ id: 'x', symbol: 'BTC/USD', broker: { feeBps: -1, slippageBps: 0 } }],
    [{ id: 'x', symbol: 'BTC/USD', extra: true }],
    [null],
    ['btc'],
  ])('refuses %j', (input) => {
    expect(() => resolveBotConfig(input, { marketDataMode: 'quicktest' })).toThrow(ZodError);
  });
});
