import { temporal } from '@temporalio/proto';
import type { OperatorService } from '@temporalio/client';
import { BOT_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';

// The bots' search attributes must exist in the namespace before a bot sets one, or its workflow task fails.
// The embedded dev server gets them as start flags; any other server (yours, or Temporal Cloud, where an API key
// may not be allowed to add them: add them in the Cloud UI) gets them from the worker at start-up.

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function searchAttributeArgs(): string[] {
  return BOT_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]);
}

/** Adds whichever of the bots' search attributes the namespace lacks; returns the names it added. */
export async function ensureSearchAttributes(operator: OperatorService, namespace: string): Promise<string[]> {
  const { customAttributes } = await operator.listSearchAttributes({ namespace });
  const missing = BOT_SEARCH_ATTRIBUTES.filter((k) => !customAttributes || !(k.name in customAttributes));
  if (missing.length === 0) return [];
  const names = missing.map((k) => k.name);
  try {
    await operator.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(names.map((n) => [n, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
  } catch (err) {
    const create = names.map((n) => `temporal operator search-attribute create --name ${n} --type Keyword`);
    throw new Error(
      `namespace "${namespace}" lacks the search attributes ${names.join(', ')} and this worker could not add them ` +
        `(${(err as Error).message}); add them once, e.g.\n  ${create.join('\n  ')}`,
    );
  }
  return names;
}
