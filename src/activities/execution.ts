import { ApplicationFailure } from '@temporalio/activity';
import { AccountNotFoundError, ClientOrderIdConflictError } from '../ledger';
import { crashPoint } from '../chaos/crashPoints';
import { dec } from '../domain/money';
import type { BrokerCosts, ExecutionResult, OrderIntent } from '../domain/types';
import type { ActivityDeps } from './deps';

export interface ExecutionInput {
  intent: OrderIntent;
  costs: BrokerCosts;
}

function assertValidIntent(intent: OrderIntent): void {
  const problems: string[] = [];
  if (intent.side !== 'buy' && intent.side !== 'sell')
    problems.push(`side must be buy or sell, got ${String(intent.side)}`);
  if (!/^\d+(\.\d{1,8})?$/.test(String(intent.quantity)) || dec(intent.quantity).lte(0)) {
    problems.push(
      `quantity must be a positive decimal with at most 8 decimals, got ${JSON.stringify(intent.quantity)}`,
    );
  }
  if (!/^\d+(\.\d+)?$/.test(String(intent.referencePrice)) || dec(intent.referencePrice).lte(0)) {
    problems.push(`price must be a positive decimal, got ${JSON.stringify(intent.referencePrice)}`);
  }
  if (intent.clientOrderId !== `${intent.botId}:${intent.cycle}`)
    problems.push('clientOrderId must be <botId>:<cycle>');
  if (problems.length) throw ApplicationFailure.nonRetryable(`invalid order: ${problems.join('; ')}`, 'InvalidOrder');
}

export function makeExecutionActivities({ ledger }: ActivityDeps) {
  return {
    /** Act: place the market order with the paper broker. Idempotent per clientOrderId: a retry never fills twice. */
    async executeOrder(input: ExecutionInput): Promise<ExecutionResult> {
      assertValidIntent(input.intent);
      try {
        return crashPoint('execution.afterFill', await ledger.placeMarketOrder(input.intent, input.costs));
      } catch (err) {
        if (err instanceof AccountNotFoundError) throw ApplicationFailure.nonRetryable(err.message, 'AccountNotFound');
        if (err instanceof ClientOrderIdConflictError) {
          throw ApplicationFailure.nonRetryable(err.message, 'ClientOrderIdConflict');
        }
        throw err;
      }
    },
  };
}
