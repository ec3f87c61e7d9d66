// `npm run backtest -- --csv <file> [options]`: replays a strategy over historical candles (see src/backtest).
import { runBacktestCli } from '../src/backtest/cli';

process.exitCode = runBacktestCli(process.argv.slice(2));
