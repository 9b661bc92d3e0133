"""Run items through stages, one thread per stage, bounded queues in between."""

import threading

from pipe_cancel import CancelToken, Cancelled
from pipe_queue import BoundedQueue


def run(items, stages, capacity=2, token=None):
    token = token or CancelToken()
    if token.cancelled:
        raise Cancelled()
    queues = [BoundedQueue(capacity) for _ in range(len(stages) + 1)]
    errors = []

    def feed():
        try:
            for item in items:
                if token.cancelled:
                    break
                queues[0].put(item)
        finally:
            queues[0].close()

    def work(stage, inq, outq):
        try:
            for item in inq:
                # Keep draining after a stop, so no upstream put blocks forever.
                if not errors and not token.cancelled:
                    try:
                        outq.put(stage(item))
                    except Exception as exc:
                        errors.append(exc)
                        token.cancel()
        finally:
            outq.close()

    threads = [threading.Thread(target=feed)]
    for i, stage in enumerate(stages):
        threads.append(threading.Thread(target=work, args=(stage, queues[i], queues[i + 1])))
    for t in threads:
        t.start()
    out = list(queues[-1])
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    if token.cancelled:
        raise Cancelled()
    return out
