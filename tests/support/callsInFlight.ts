import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

// The Temporal client's retry interceptor re-sends a failed call from a timer. If the connection closes while a
// call waits for that timer, the timer throws "Channel has been shut down" outside any test, and jest fails
// whichever suite is running then, with no name for the call. So the harness counts the calls its client has in
// flight (retries included: the count sits outside the retry interceptor) and, at close, waits them out or names
// them.

export class CallsInFlight {
  private readonly calls = new Map<number, string>();
  private nextId = 0;

  /** For Connection.connect: this counter, then the SDK's default retry interceptor. */
  readonly interceptors: Interceptor[] = [
    (options, nextCall) => {
      const id = this.nextId++;
      return new InterceptingCall(nextCall(options), {
        start: (metadata, _listener, next) => {
          this.calls.set(id, options.method_definition.path);
          // A partial listener: grpc-js passes metadata and messages on as they are.
          next(metadata, {
            onReceiveStatus: (status, nextStatus) => {
              this.calls.delete(id);
              nextStatus(status);
            },
          });
        },
      });
    },
    makeGrpcRetryInterceptor(defaultGrpcRetryOptions()),
  ];

  /** The methods in flight now, e.g. `/temporal.api.workflowservice.v1.WorkflowService/QueryWorkflow`. */
  methods(): string[] {
    return [...this.calls.values()];
  }

  /** Resolves when no call is in flight; fails after `timeoutMs` naming those still in flight. */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.calls.size > 0) {
      if (Date.now() > deadline) {
        throw new Error(
          `Temporal calls still in flight ${timeoutMs} ms after the tests: ${this.methods().join(', ')}` +
            ' (a call nothing awaits: await it, give it a deadline, or cancel it)',
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
