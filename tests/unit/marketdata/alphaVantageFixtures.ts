// Small Alpha Vantage bodies for the parser tests, modeled on real recorded answers: the OLD field names (2017,
// per-currency columns such as `1a. open (CNY)`) and the CURRENT ones (`1. open`). Kept in code so the tests do
// not depend on any file outside the repository.

export const CURRENT_CRYPTO_DAILY = {
  'Meta Data': {
    '1. Information': 'Daily Prices and Volumes for Digital Currency',
    '2. Digital Currency Code': 'BTC',
    '3. Digital Currency Name': 'Bitcoin',
    '4. Market Code': 'USD',
    '5. Market Name': 'United States Dollar',
    '6. Last Refreshed': '2024-07-16 00:00:00',
    '7. Time Zone': 'UTC',
  },
  'Time Series (Digital Currency Daily)': {
    '2024-07-16': {
      '1. open': '64795.99000000',
      '2. high': '65391.12000000',
      '3. low': '64056.00000000',
      '4. close': '65085.34000000',
      '5. volume': '1053.48302000',
    },
    '2024-07-15': {
      '1. open': '60795.00000000',
      '2. high': '64900.00000000',
      '3. low': '60632.30000000',
      '4. close': '64795.99000000',
      '5. volume': '2989.18450000',
    },
    '2024-07-14': {
      '1. open': '59230.50000000',
      '2. high': '61420.69000000',
      '3. low': '59212.07000000',
      '4. close': '60795.00000000',
      '5. volume': '1762.70011000',
    },
  },
};

/** The 2017 layout: a column in the market's currency (CNY here) and one in USD, plus market cap. */
export const OLD_CRYPTO_DAILY_CNY = {
  'Meta Data': {
    '1. Information': 'Daily Prices and Volumes for Digital Currency',
    '2. Digital Currency Code': 'BTC',
    '3. Digital Currency Name': 'Bitcoin',
    '4. Market Code': 'CNY',
    '5. Market Name': 'Chinese Yuan',
    '6. Last Refreshed': '2017-12-20 19:30:00',
    '7. Time Zone': 'UTC',
  },
  'Time Series (Digital Currency Daily)': {
    '2017-12-20': {
      '1a. open (CNY)': '111425.95046720',
      '1b. open (USD)': '16928.42500000',
      '2a. high (CNY)': '119203.30478364',
      '2b. high (USD)': '18110.00000000',
      '3a. low (CNY)': '105376.71606848',
      '3b. low (USD)': '16009.38000000',
      '4a. close (CNY)': '123574.46322682',
      '4b. close (USD)': '18780.02814954',
      '5. volume': '48011.52398154',
      '6. market cap (USD)': '901655934.70190000',
    },
    '2017-12-19': {
      '1a. open (CNY)': '124301.33411200',
      '1b. open (USD)': '18884.82000000',
      '2a. high (CNY)': '125071.07730000',
      '2b. high (USD)': '19001.76000000',
      '3a. low (CNY)': '108605.18160000',
      '3b. low (USD)': '16500.00000000',
      '4a. close (CNY)': '111425.95046720',
      '4b. close (USD)': '16928.42500000',
      '5. volume': '52139.76000000',
      '6. market cap (USD)': '882640102.73000000',
    },
  },
};

export const OLD_EXCHANGE_RATE = {
  'Realtime Currency Exchange Rate': {
    '1. From_Currency Code': 'BTC',
    '2. From_Currency Name': 'Bitcoin',
    '3. To_Currency Code': 'CNY',
    '4. To_Currency Name': 'Chinese Yuan',
    '5. Exchange Rate': '109631.43060700',
    '6. Last Refreshed': '2017-12-20 19:23:21',
    '7. Time Zone': 'UTC',
  },
};

export const CURRENT_EXCHANGE_RATE = {
  'Realtime Currency Exchange Rate': {
    '1. From_Currency Code': 'BTC',
    '2. From_Currency Name': 'Bitcoin',
    '3. To_Currency Code': 'USD',
    '4. To_Currency Name': 'United States Dollar',
    '5. Exchange Rate': '67412.53000000',
    '6. Last Refreshed': '2024-07-16 14:05:01',
    '7. Time Zone': 'UTC',
    '8. Bid Price': '67412.52000000',
    '9. Ask Price': '67412.53000000',
  },
};

const bar = (open: string, high: string, low: string, close: string, volume: string) => ({
  '1. open': open,
  '2. high': high,
  '3. low': low,
  '4. close': close,
  '5. volume': volume,
});

/** Intraday bars on the US/Eastern wall clock: one winter day (EST, UTC-5) from the 2017 recording. */
export const INTRADAY_WINTER = {
  'Meta Data': {
    '1. Information': 'Intraday (1min) prices and volumes',
    '2. Symbol': 'MSFT',
    '3. Last Refreshed': '2017-12-18 14:56:00',
    '4. Interval': '1min',
    '5. Output Size': 'Compact',
    '6. Time Zone': 'US/Eastern',
  },
  'Time Series (1min)': {
    '2017-12-18 14:56:00': bar('86.4900', '86.5000', '86.4750', '86.5000', '10494'),
    '2017-12-18 14:55:00': bar('86.4900', '86.5000', '86.4801', '86.5000', '12682'),
  },
};

/** The same wall-clock time in summer (EDT, UTC-4), current wording. */
export const INTRADAY_SUMMER = {
  'Meta Data': {
    '1. Information': 'Intraday (1min) open, high, low, close prices and volume',
    '2. Symbol': 'MSFT',
    '3. Last Refreshed': '2024-07-16 14:56:00',
    '4. Interval': '1min',
    '5. Output Size': 'Compact',
    '6. Time Zone': 'US/Eastern',
  },
  'Time Series (1min)': {
    '2024-07-16 14:56:00': bar('453.1000', '453.2500', '453.0500', '453.2000', '21087'),
  },
};

export const EQUITY_DAILY = {
  'Meta Data': {
    '1. Information': 'Daily Prices (open, high, low, close) and Volumes',
    '2. Symbol': 'IBM',
    '3. Last Refreshed': '2024-07-16',
    '4. Output Size': 'Compact',
    '5. Time Zone': 'US/Eastern',
  },
  'Time Series (Daily)': {
    '2024-07-16': bar('178.3000', '184.7000', '177.9100', '183.9800', '6101434'),
    '2024-07-15': bar('177.6000', '179.4000', '176.5100', '177.4500', '3431203'),
  },
};
