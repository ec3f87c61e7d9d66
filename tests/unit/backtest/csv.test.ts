import { CandleCsvError, parseCandlesCsv } from '../../../src/backtest/csv';

const HEADER = 'date,open,high,low,close,volume';

function expectLineError(text: string, line: number, message: RegExp) {
  try {
    parseCandlesCsv(text);
  } catch (err) {
    expect(err).toBeInstanceOf(CandleCsvError);
    expect((err as CandleCsvError).line).toBe(line);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a CandleCsvError');
}

describe('parseCandlesCsv', () => {
  it('reads rows into candles at UTC midnight, skipping blank lines and CRLF', () => {
    const text = `${HEADER}\r\n2014-01-01,737.67,757,735,752.98,5518.67649188\r\n\r\n2014-01-02,750,800,742.52,786.6,9675.3\r\n`;
    expect(parseCandlesCsv(text)).toEqual([
      {
        time: '2014-01-01T00:00:00.000Z',
        open: '737.67',
        high: '757',
        low: '735',
        close: '752.98',
        volume: '5518.67649188',
      },
      { time: '2014-01-02T00:00:00.000Z', open: '750', high: '800', low: '742.52', close: '786.6', volume: '9675.3' },
    ]);
  });

  it('names the line of each kind of garbage', () => {
    expectLineError('day,o,h,l,c,v\n', 1, /header must be "date,open,high,low,close,volume"/);
    expectLineError(
      `${HEADER}\n2014-01-01,1,2,1,2,1\n2014-01-02,1,2,1,abc,1\n`,
      3,
      /close must be a decimal number, got "abc"/,
    );
    expectLineError(`${HEADER}\n2014-02-30,1,2,1,2,1\n`, 2, /date must be a real YYYY-MM-DD day/);
    expectLineError(`${HEADER}\n2014-01-01,1,2,1,2\n`, 2, /expected 6 fields/);
    expectLineError(`${HEADER}\n2014-01-01,1,2,1,0,1\n`, 2, /close must be positive/);
    expectLineError(`${HEADER}\n2014-01-01,1,2,1,2,-1\n`, 2, /volume must be zero or more/);
    expectLineError(`${HEADER}\n2014-01-01,1,1.5,1,2,1\n`, 2, /high 1.5 and low 1 must bound open 1 and close 2/);
    expectLineError(
      `${HEADER}\n2014-01-02,1,2,1,2,1\n2014-01-02,1,2,1,2,1\n`,
      3,
      /not after the previous row's 2014-01-02/,
    );
    expectLineError(`${HEADER}\n\n`, 3, /no candles/);
  });
});
